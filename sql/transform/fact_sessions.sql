-- fact_sessions: the sessions this run recomputed, replaced (grain: one row per session: session_id)
-- keys: session_key surrogate: a session recomputed under the same session_id keeps its key;
--       a new one takes the next key after the highest, in session_id order (the same on
--       every engine); session_id natural key; visitor_key, user_key, date_key,
--       channel_key, landing/exit_page_type_key looked up in the dimensions
-- reads: stage_page_view_sessions (the page views of this run's windows and their new
--        sessions), fact_page_views, dim_page_type, dim_visitors, channel_rules,
--        dim_channel, fact_orders
-- Rules (each also in DESIGN.md and docs/EVENTS.md):
-- - landing page: the first view; exit page: the last; is_bounce: one view only;
-- - user: the user logged in during the session (the latest view with one), else the
--   visitor's stitched user (dim_visitors.user_key: their latest login, so logging in
--   links their earlier sessions too), else -1;
-- - channel: of the first rule in channel_rules that matches the first page view's
--   utm_medium (lower-cased) or ref_domain;
-- - funnel: a session reaches a step (product view, cart, checkout, purchase: funnel_step
--   1 to 4 in dim_page_type) when it views that page type after reaching the step before;
--   order_id is the order of the purchase view that reached the last step, and
--   revenue_cents that order's net revenue (its completed lines in fact_orders, exact
--   cents; 0 while the order is not there: transform/fact_sessions_refresh.sql fills it
--   in when it arrives).
-- The sessions the windows no longer hold (merged into another by a late page view, or
-- renamed because a page view came before their first) are deleted after the merge.
insert into fact_sessions (
    session_key, session_id, session_id_derived, session_scope, visitor_key, user_key,
    is_logged_in, date_key, channel_key, landing_page_type_key, exit_page_type_key,
    started_at, ended_at, started_at_us, ended_at_us, duration_seconds, page_views,
    landing_page_path, exit_page_path, ref_domain, utm_source, utm_medium, utm_campaign,
    reached_product_view, reached_cart, reached_checkout, reached_purchase, order_id,
    revenue_cents, is_bounce
)
with session_view as (
    -- fact_page_views holds the new sessions already (fact_page_views_sessions.sql)
    select
        page_view.*,
        page_type.funnel_step
    from stage_page_view_sessions as staged
    inner join fact_page_views as page_view
        on page_view.page_view_key = staged.page_view_key
    inner join dim_page_type as page_type
        on page_type.page_type_key = page_view.page_type_key
),

session_total as (
    select
        session_id,
        min(session_scope) as session_scope,
        count(*) as page_views,
        min(viewed_at) as started_at,
        max(viewed_at) as ended_at,
        min(viewed_at_us) as started_at_us,
        max(viewed_at_us) as ended_at_us
    from session_view
    group by session_id
),

first_view as (
    select * from session_view where view_number = 1
),

last_view as (
    select session_view.*
    from session_view
    inner join session_total
        on session_total.session_id = session_view.session_id
       and session_total.page_views = session_view.view_number
),

login as (
    select session_id, user_key
    from (
        select
            session_id,
            user_key,
            row_number() over (
                partition by session_id order by viewed_at_us desc, event_id desc
            ) as newness
        from session_view
        where user_key <> -1
    ) as logged_in_view
    where newness = 1
),

-- the funnel, one step after the other: the first view of each step that comes after
-- the view that reached the step before
product_step as (
    select session_id, min(view_number) as view_number
    from session_view
    where funnel_step = 1
    group by session_id
),

cart_step as (
    select session_view.session_id, min(session_view.view_number) as view_number
    from session_view
    inner join product_step
        on product_step.session_id = session_view.session_id
       and session_view.view_number > product_step.view_number
    where session_view.funnel_step = 2
    group by session_view.session_id
),

checkout_step as (
    select session_view.session_id, min(session_view.view_number) as view_number
    from session_view
    inner join cart_step
        on cart_step.session_id = session_view.session_id
       and session_view.view_number > cart_step.view_number
    where session_view.funnel_step = 3
    group by session_view.session_id
),

purchase_step as (
    select session_view.session_id, min(session_view.view_number) as view_number
    from session_view
    inner join checkout_step
        on checkout_step.session_id = session_view.session_id
       and session_view.view_number > checkout_step.view_number
    where session_view.funnel_step = 4
    group by session_view.session_id
),

purchase as (
    select session_view.session_id, session_view.order_id
    from session_view
    inner join purchase_step
        on purchase_step.session_id = session_view.session_id
       and purchase_step.view_number = session_view.view_number
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

-- what the channel rules read: the first view's utm_medium and ref_domain
channel_signal as (
    select session_id, 'utm_medium' as field, lower(utm_medium) as signal_value
    from first_view
    union all
    select session_id, 'ref_domain' as field, ref_domain as signal_value
    from first_view
),

first_rule as (
    select channel_signal.session_id, min(rule.rule_order) as rule_order
    from channel_signal
    inner join channel_rules as rule
        on rule.field = channel_signal.field
    where (rule.match_kind = 'equals' and channel_signal.signal_value = rule.match_value)
       or (rule.match_kind = 'domain'
           and (channel_signal.signal_value = rule.match_value
                or channel_signal.signal_value like ('%.' || rule.match_value)))
       or (rule.match_kind = 'brand'
           and (channel_signal.signal_value like (rule.match_value || '.%')
                or channel_signal.signal_value like ('%.' || rule.match_value || '.%')))
       or (rule.match_kind = 'any' and channel_signal.signal_value is not null)
       or (rule.match_kind = 'none' and channel_signal.signal_value is null)
    group by channel_signal.session_id
),

session_row as (
    select
        known.session_key,
        session_total.session_id,
        case when session_total.session_scope like 'session:%' then 0 else 1 end
            as session_id_derived,
        session_total.session_scope,
        first_view.visitor_key,
        coalesce(login.user_key, visitor.user_key, -1) as user_key,
        case when login.user_key is null then 0 else 1 end as is_logged_in,
        first_view.date_key,
        coalesce(channel.channel_key, -1) as channel_key,
        first_view.page_type_key as landing_page_type_key,
        last_view.page_type_key as exit_page_type_key,
        session_total.started_at,
        session_total.ended_at,
        session_total.started_at_us,
        session_total.ended_at_us,
        (session_total.ended_at_us - session_total.started_at_us) / 1000000 as duration_seconds,
        session_total.page_views,
        first_view.page_path as landing_page_path,
        last_view.page_path as exit_page_path,
        first_view.ref_domain,
        first_view.utm_source,
        first_view.utm_medium,
        first_view.utm_campaign,
        case when product_step.session_id is null then 0 else 1 end as reached_product_view,
        case when cart_step.session_id is null then 0 else 1 end as reached_cart,
        case when checkout_step.session_id is null then 0 else 1 end as reached_checkout,
        case when purchase_step.session_id is null then 0 else 1 end as reached_purchase,
        purchase.order_id,
        coalesce(order_revenue.revenue_cents, 0) as revenue_cents,
        case when session_total.page_views = 1 then 1 else 0 end as is_bounce
    from session_total
    inner join first_view
        on first_view.session_id = session_total.session_id
    inner join last_view
        on last_view.session_id = session_total.session_id
    inner join dim_visitors as visitor
        on visitor.visitor_key = first_view.visitor_key
    left join login
        on login.session_id = session_total.session_id
    left join first_rule
        on first_rule.session_id = session_total.session_id
    left join channel_rules as rule
        on rule.rule_order = first_rule.rule_order
    left join dim_channel as channel
        on channel.channel = rule.channel
    left join product_step
        on product_step.session_id = session_total.session_id
    left join cart_step
        on cart_step.session_id = session_total.session_id
    left join checkout_step
        on checkout_step.session_id = session_total.session_id
    left join purchase_step
        on purchase_step.session_id = session_total.session_id
    left join purchase
        on purchase.session_id = session_total.session_id
    left join order_revenue
        on order_revenue.order_id = purchase.order_id
    left join fact_sessions as known
        on known.session_id = session_total.session_id
)

select
    coalesce(
        session_key,
        (select coalesce(max(session_key), 0) from fact_sessions)
        + row_number() over (partition by session_key is null order by session_id)
    ) as session_key,
    session_id, session_id_derived, session_scope, visitor_key, user_key, is_logged_in,
    date_key, channel_key, landing_page_type_key, exit_page_type_key, started_at, ended_at,
    started_at_us, ended_at_us, duration_seconds, page_views, landing_page_path,
    exit_page_path, ref_domain, utm_source, utm_medium, utm_campaign, reached_product_view,
    reached_cart, reached_checkout, reached_purchase, order_id, revenue_cents, is_bounce
from session_row
where true
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
