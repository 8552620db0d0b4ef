-- Question: on which day of the week do we sell the most?
-- Grain: one row per day of the week (1 = Monday .. 7 = Sunday).
-- Reads: fact_orders, dim_date.
-- Revenue counts completed lines. days is how many such weekdays the calendar holds,
-- so avg_revenue_per_day_cents compares weekdays fairly; share_of_revenue is 0..1.
with weekday_calendar as (
    select
        calendar.day_of_week,
        calendar.day_name,
        count(*) as days
    from dim_date as calendar
    where calendar.date_key <> -1          -- the unknown date is no day
    group by calendar.day_of_week, calendar.day_name
),

weekday_sales as (
    select
        calendar.day_of_week,
        count(distinct sale.order_id) as orders,
        sum(sale.total_amount_cents) as revenue_cents
    from fact_orders as sale
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
    where sale.status = 'completed'
    group by calendar.day_of_week
),

weekday_revenue as (
    select
        weekday_calendar.day_of_week,
        weekday_calendar.day_name,
        weekday_calendar.days,
        coalesce(weekday_sales.orders, 0) as orders,
        coalesce(weekday_sales.revenue_cents, 0) as revenue_cents
    from weekday_calendar
    left join weekday_sales
        on weekday_sales.day_of_week = weekday_calendar.day_of_week
)

select
    day_of_week,
    day_name,
    days,
    orders,
    revenue_cents,
    revenue_cents / 100.0 as revenue,
    (revenue_cents + days / 2) / days as avg_revenue_per_day_cents,
    ((revenue_cents + days / 2) / days) / 100.0 as avg_revenue_per_day,
    round(1.0 * revenue_cents / sum(revenue_cents) over (), 4) as share_of_revenue
from weekday_revenue
order by day_of_week;
