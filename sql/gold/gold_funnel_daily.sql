-- gold_funnel_daily: the purchase funnel per day, step by step (grain: one row per session_date and funnel step)
-- keys: (session_date, step_number)
-- reads: fact_sessions, dim_date
-- Steps: 0 session, 1 product_view, 2 cart, 3 checkout, 4 purchase; a session reaches a
-- step when it views that page type after reaching the step before, so the counts never
-- grow along the funnel (checks/funnel_counts_never_increase.sql). session_date is the
-- UTC date the session started. step_conversion = sessions / the previous step's;
-- step_dropoff = 1 - step_conversion, as dropped_sessions counts them; both are null at
-- step 0 and when the previous step has no session. conversion_from_start = sessions /
-- the day's sessions. Bots are not in fact_sessions.
-- Rates are divisions in double precision (cast ... as double precision) on every engine, so
-- SQLite and PostgreSQL give the very same numbers, to the last digit.
create view gold_funnel_daily as
with daily as (
    select
        calendar.full_date as session_date,
        count(*) as sessions,
        sum(session_row.reached_product_view) as product_views,
        sum(session_row.reached_cart) as carts,
        sum(session_row.reached_checkout) as checkouts,
        sum(session_row.reached_purchase) as purchases
    from fact_sessions as session_row
    inner join dim_date as calendar
        on calendar.date_key = session_row.date_key
    group by calendar.full_date
),

funnel_step as (
    select session_date, 0 as step_number, 'session' as step, sessions,
           null as previous_sessions, sessions as day_sessions
    from daily
    union all
    select session_date, 1, 'product_view', product_views, sessions, sessions
    from daily
    union all
    select session_date, 2, 'cart', carts, product_views, sessions
    from daily
    union all
    select session_date, 3, 'checkout', checkouts, carts, sessions
    from daily
    union all
    select session_date, 4, 'purchase', purchases, checkouts, sessions
    from daily
)

select
    session_date,
    step_number,
    step,
    sessions,
    previous_sessions - sessions as dropped_sessions,
    case when previous_sessions > 0
         then cast(sessions as double precision) / previous_sessions end as step_conversion,
    case when previous_sessions > 0
         then cast(previous_sessions - sessions as double precision) / previous_sessions end
        as step_dropoff,
    cast(sessions as double precision) / day_sessions as conversion_from_start
from funnel_step
