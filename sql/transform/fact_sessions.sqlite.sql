-- fact_sessions (SQLite dialect): the sessions this run recomputed, replaced (grain: as in fact_sessions.sql)
-- keys: as fact_sessions.sql gives them: a recomputed session keeps its key, a new one
--       takes the next key after the highest, in session_id order. Why a twin: SQLite
--       gives exactly those keys itself. Every row goes in with a null key, in session_id
--       order: a session already in the fact conflicts on session_id and is updated in
--       place (its key unchanged, none used up); a new one takes the highest key + 1 as
--       it goes in (transform/fact_orders.sqlite.sql does the same for order lines). So
--       no window function numbers them (it sorted the sessions' whole rows) and the
--       sessions are not joined to the fact for their keys: 49,900 new sessions written
--       in 0.69-0.70 s of CPU instead of 0.87 s (a test compares the two files' keys).
--       Every other line is the portable file's (its rules, its CTEs): change both.
-- reads: stage_page_view_sessions, fact_page_views, dim_visitors, channel_rules,
--        dim_channel, fact_orders (as fact_sessions.sql; its header states the rules)
insert into fact_sessions (
    session_key, session_id, session_id_derived, session_scope, visitor_key, user_key,
    is_logged_in, date_key, channel_key, landing_page_type_key, exit_page_type_key,
    started_at, ended_at, started_at_us, ended_at_us, duration_seconds, page_views,
    landing_page_path, exit_page_path, ref_domain, utm_source, utm_medium, utm_campaign,
    reached_product_view, reached_cart, reached_checkout, reached_purchase, order_id,
    revenue_cents, is_bounce
)
with session_total as (
    -- one pass over the staged views, in session order (the stage's index): the views,
    -- the first product view and the latest view with a user logged in
    select
        session_start_key,
        count(*) as page_views,
        min(session_id) as session_id,
        min(case when funnel_step = 1 then view_number end) as product_view_number,
        max(case when user_key <> -1 then view_number end) as login_view_number
    from stage_page_view_sessions
    group by session_start_key
),

session_edge as (
    -- the first view (session_start_key is its page_view_key) and the last
    select
        session_total.*,
        first_view.session_scope,
        first_view.visitor_key,
        first_view.date_key,
        first_view.page_type_key as landing_page_type_key,
        first_view.page_path as landing_page_path,
        first_view.ref_domain,
        first_view.utm_source,
        first_view.utm_medium,
        first_view.utm_campaign,
        first_view.viewed_at as started_at,
        first_view.viewed_at_us as started_at_us,
        last_view.page_type_key as exit_page_type_key,
        last_view.page_path as exit_page_path,
        last_view.viewed_at as ended_at,
        last_view.viewed_at_us as ended_at_us,
        login_view.user_key as login_user_key
    from session_total
    inner join fact_page_views as first_view
        on first_view.page_view_key = session_total.session_start_key
    inner join stage_page_view_sessions as last_staged
        on last_staged.session_start_key = session_total.session_start_key
       and last_staged.view_number = session_total.page_views
    inner join fact_page_views as last_view
        on last_view.page_view_key = last_staged.page_view_key
    left join stage_page_view_sessions as login_view
        on login_view.session_start_key = session_total.session_start_key
       and login_view.view_number = session_total.login_view_number
),

-- the funnel, one step after the other: the first view of each step that comes after
-- the view that reached the step before (the first product view: session_total)
funnel_view as (
    select session_start_key, view_number, funnel_step, page_view_key
    from stage_page_view_sessions
    where funnel_step > 1
),

cart_step as (
    select funnel_view.session_start_key, min(funnel_view.view_number) as view_number
    from funnel_view
    inner join session_total
        on session_total.session_start_key = funnel_view.session_start_key
       and funnel_view.view_number > session_total.product_view_number
    where funnel_view.funnel_step = 2
    group by funnel_view.session_start_key
),

checkout_step as (
    select funnel_view.session_start_key, min(funnel_view.view_number) as view_number
    from funnel_view
    inner join cart_step
        on cart_step.session_start_key = funnel_view.session_start_key
       and funnel_view.view_number > cart_step.view_number
    where funnel_view.funnel_step = 3
    group by funnel_view.session_start_key
),

purchase_step as (
    select funnel_view.session_start_key, min(funnel_view.view_number) as view_number
    from funnel_view
    inner join checkout_step
        on checkout_step.session_start_key = funnel_view.session_start_key
       and funnel_view.view_number > checkout_step.view_number
    where funnel_view.funnel_step = 4
    group by funnel_view.session_start_key
),

purchase as (
    select purchase_step.session_start_key, purchase_view.order_id
    from purchase_step
    inner join stage_page_view_sessions as staged
        on staged.session_start_key = purchase_step.session_start_key
       and staged.view_number = purchase_step.view_number
    inner join fact_page_views as purchase_view
        on purchase_view.page_view_key = staged.page_view_key
),

order_revenue as (
    -- an order's net revenue: its completed lines, as gold_daily_sales counts them
    select
        order_id,
        sum(case when status = 'completed' then total_amount_cents else 0 end) as revenue_cents
    from fact_orders
    where order_id in (select order_id from purchase)
    group by order_id
),

-- the channel rules, once per distinct first-view utm_medium and ref_domain (a few
-- dozen), not once per session; the *_key columns ('' for none) are what the sessions
-- join on, equal values the engine can look up (a null equals nothing)
channel_signal as (
    select distinct
        lower(utm_medium) as utm_medium,
        ref_domain,
        coalesce(lower(utm_medium), '') as medium_key,
        coalesce(ref_domain, '') as domain_key
    from session_edge
),

signal_value as (
    select medium_key, domain_key, 'utm_medium' as field, utm_medium as signal_value
    from channel_signal
    union all
    select medium_key, domain_key, 'ref_domain' as field, ref_domain as signal_value
    from channel_signal
),

signal_channel as (
    select
        signal_value.medium_key,
        signal_value.domain_key,
        min(rule.rule_order) as rule_order
    from signal_value
    inner join channel_rules as rule
        on rule.field = signal_value.field
    where (rule.match_kind = 'equals' and signal_value.signal_value = rule.match_value)
       or (rule.match_kind = 'domain'
           and (signal_value.signal_value = rule.match_value
                or signal_value.signal_value like ('%.' || rule.match_value)))
       or (rule.match_kind = 'brand'
           and (signal_value.signal_value like (rule.match_value || '.%')
                or signal_value.signal_value like ('%.' || rule.match_value || '.%')))
       or (rule.match_kind = 'any' and signal_value.signal_value is not null)
       or (rule.match_kind = 'none' and signal_value.signal_value is null)
    group by signal_value.medium_key, signal_value.domain_key
),

session_row as (
    select
        session_edge.session_id,
        case when session_edge.session_scope like 'session:%' then 0 else 1 end
            as session_id_derived,
        session_edge.session_scope,
        session_edge.visitor_key,
        coalesce(session_edge.login_user_key, visitor.user_key, -1) as user_key,
        case when session_edge.login_user_key is null then 0 else 1 end as is_logged_in,
        session_edge.date_key,
        coalesce(channel.channel_key, -1) as channel_key,
        session_edge.landing_page_type_key,
        session_edge.exit_page_type_key,
        session_edge.started_at,
        session_edge.ended_at,
        session_edge.started_at_us,
        session_edge.ended_at_us,
        (session_edge.ended_at_us - session_edge.started_at_us) / 1000000 as duration_seconds,
        session_edge.page_views,
        session_edge.landing_page_path,
        session_edge.exit_page_path,
        session_edge.ref_domain,
        session_edge.utm_source,
        session_edge.utm_medium,
        session_edge.utm_campaign,
        case when session_edge.product_view_number is null then 0 else 1 end
            as reached_product_view,
        case when cart_step.session_start_key is null then 0 else 1 end as reached_cart,
        case when checkout_step.session_start_key is null then 0 else 1 end as reached_checkout,
        case when purchase_step.session_start_key is null then 0 else 1 end as reached_purchase,
        purchase.order_id,
        coalesce(order_revenue.revenue_cents, 0) as revenue_cents,
        case when session_edge.page_views = 1 then 1 else 0 end as is_bounce
    from session_edge
    inner join dim_visitors as visitor
        on visitor.visitor_key = session_edge.visitor_key
    left join signal_channel
        on signal_channel.medium_key = coalesce(lower(session_edge.utm_medium), '')
       and signal_channel.domain_key = coalesce(session_edge.ref_domain, '')
    left join channel_rules as rule
        on rule.rule_order = signal_channel.rule_order
    left join dim_channel as channel
        on channel.channel = rule.channel
    left join cart_step
        on cart_step.session_start_key = session_edge.session_start_key
    left join checkout_step
        on checkout_step.session_start_key = session_edge.session_start_key
    left join purchase_step
        on purchase_step.session_start_key = session_edge.session_start_key
    left join purchase
        on purchase.session_start_key = session_edge.session_start_key
    left join order_revenue
        on order_revenue.order_id = purchase.order_id
)

select
    -- SQLite gives a new session the highest key + 1; a known one keeps its own
    null as session_key,
    session_id, session_id_derived, session_scope, visitor_key, user_key, is_logged_in,
    date_key, channel_key, landing_page_type_key, exit_page_type_key, started_at, ended_at,
    started_at_us, ended_at_us, duration_seconds, page_views, landing_page_path,
    exit_page_path, ref_domain, utm_source, utm_medium, utm_campaign, reached_product_view,
    reached_cart, reached_checkout, reached_purchase, order_id, revenue_cents, is_bounce
from session_row
where true
-- in session_id order: each new session takes the next key, as the portable file numbers them
order by session_id
on conflict (session_id) do update set
    session_id_derived = excluded.session_id_derived,
    session_scope = excluded.session_scope,
    visitor_key = excluded.visitor_key,
    user_key = excluded.user_key,
    is_logged_in = excluded.is_logged_in,
    date_key = excluded.date_key,
    channel_key = excluded.channel_key,
    landing_page_type_key = excluded.landing_page_type_key,
    exit_page_type_key = excluded.exit_page_type_key,
    started_at = excluded.started_at,
    ended_at = excluded.ended_at,
    started_at_us = excluded.started_at_us,
    ended_at_us = excluded.ended_at_us,
    duration_seconds = excluded.duration_seconds,
    page_views = excluded.page_views,
    landing_page_path = excluded.landing_page_path,
    exit_page_path = excluded.exit_page_path,
    ref_domain = excluded.ref_domain,
    utm_source = excluded.utm_source,
    utm_medium = excluded.utm_medium,
    utm_campaign = excluded.utm_campaign,
    reached_product_view = excluded.reached_product_view,
    reached_cart = excluded.reached_cart,
    reached_checkout = excluded.reached_checkout,
    reached_purchase = excluded.reached_purchase,
    order_id = excluded.order_id,
    revenue_cents = excluded.revenue_cents,
    is_bounce = excluded.is_bounce;

delete from fact_sessions
where session_id in (
        select old_session_id
        from stage_page_view_sessions
        where old_session_id is not null
    )
  and session_id not in (select session_id from stage_page_view_sessions)
