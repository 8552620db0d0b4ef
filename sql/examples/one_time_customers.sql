-- Question: which customers bought once and never came back?
-- Grain: one row per known customer (guests excluded) whose lines all belong to a
--        single order, and every line of that order was completed (a cancelled or
--        refunded order counts as an order, so such a customer did come back).
-- Reads: fact_orders, dim_users, dim_date.
-- days_since_order counts from that order to the last day with any sale, so the
-- longest-silent customers come first.
with customer_order as (
    select
        sale.user_key,
        sale.order_id,
        min(calendar.full_date) as order_date,
        min(case when sale.status = 'completed' then 1 else 0 end) as is_completed,
        sum(sale.total_amount_cents) as order_cents
    from fact_orders as sale
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
    where sale.user_key <> -1
    group by sale.user_key, sale.order_id
),

customer_order_count as (
    select
        user_key,
        count(*) as orders
    from customer_order
    group by user_key
),

last_sales_day as (
    select
        max(calendar.full_date) as last_date
    from fact_orders as sale
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
)

select
    customer.user_id,
    customer.name,
    one_order.order_id,
    one_order.order_date,
    cast(julianday(last_sales_day.last_date) - julianday(one_order.order_date) as integer)
        as days_since_order,
    one_order.order_cents,
    one_order.order_cents / 100.0 as order_value
from customer_order as one_order
inner join customer_order_count as order_count
    on order_count.user_key = one_order.user_key
inner join dim_users as customer
    on customer.user_key = one_order.user_key
cross join last_sales_day
where order_count.orders = 1
  and one_order.is_completed = 1
order by one_order.order_date, customer.user_id;
