-- Question: what share of customers come back for a second order?
-- Grain: one row per first-order month (the cohort of customers whose first completed
--        order fell in that month).
-- Reads: fact_orders, dim_date (guests, user_key -1, are left out: they cannot be followed).
-- A repeat customer has two or more completed orders, at any time after the first;
-- avg_days_to_second_order averages the days between first and second order.
with customer_order as (
    select
        sale.user_key,
        sale.order_id,
        min(calendar.full_date) as order_date
    from fact_orders as sale
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
    where sale.status = 'completed'
      and sale.user_key <> -1
    group by sale.user_key, sale.order_id
),

numbered_order as (
    select
        user_key,
        order_date,
        row_number() over (partition by user_key order by order_date, order_id) as order_number
    from customer_order
),

customer_journey as (
    select
        user_key,
        max(case when order_number = 1 then order_date end) as first_order_date,
        max(case when order_number = 2 then order_date end) as second_order_date,
        count(*) as orders
    from numbered_order
    group by user_key
)

select
    substr(first_order_date, 1, 7) as cohort_month,
    count(*) as customers,
    sum(case when orders >= 2 then 1 else 0 end) as repeat_customers,
    round(1.0 * sum(case when orders >= 2 then 1 else 0 end) / count(*), 4) as repeat_rate,
    round(avg(julianday(second_order_date) - julianday(first_order_date)), 1)
        as avg_days_to_second_order
from customer_journey
group by substr(first_order_date, 1, 7)
order by cohort_month;
