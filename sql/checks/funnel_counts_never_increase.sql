-- funnel_counts_never_increase: on no day does a funnel step have more sessions than the step before it
-- severity: error
-- grain of failing rows: one row per day whose counts grow along the funnel
-- reads: fact_sessions, dim_date (what gold_funnel_daily counts, read from the fact itself)
-- A session reaches a step only after the one before (fact_sessions.reached_*), so a
-- count that grows along the funnel means the steps were computed wrong.
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
)

select session_date, sessions, product_views, carts, checkouts, purchases
from daily
where product_views > sessions
   or carts > product_views
   or checkouts > carts
   or purchases > checkouts
