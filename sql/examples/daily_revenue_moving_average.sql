-- Question: how does daily revenue move once the day-to-day noise is smoothed out?
-- Grain: one row per calendar day of dim_date (a day without sales shows 0).
-- Reads: fact_orders, dim_date.
-- Revenue counts completed lines. moving_avg_7d_cents averages the day and the six
-- days before it (fewer at the start of the calendar: days_in_window says how many),
-- rounded to whole cents.
with daily_sales as (
    select
        sale.date_key,
        sum(sale.total_amount_cents) as revenue_cents
    from fact_orders as sale
    where sale.status = 'completed'
    group by sale.date_key
),

calendar_day as (
    select
        calendar.full_date as sales_date,
        calendar.day_name,
        coalesce(daily_sales.revenue_cents, 0) as revenue_cents
    from dim_date as calendar
    left join daily_sales
        on daily_sales.date_key = calendar.date_key
    where calendar.date_key <> -1          -- the unknown date is no day
),

windowed as (
    select
        sales_date,
        day_name,
        revenue_cents,
        avg(revenue_cents) over last_7_days as moving_avg_7d,
        count(*) over last_7_days as days_in_window
    from calendar_day
    window last_7_days as (order by sales_date rows between 6 preceding and current row)
)

select
    sales_date,
    day_name,
    revenue_cents,
    revenue_cents / 100.0 as revenue,
    cast(round(moving_avg_7d) as integer) as moving_avg_7d_cents,
    round(moving_avg_7d / 100.0, 2) as moving_avg_7d,
    days_in_window
from windowed
order by sales_date;
