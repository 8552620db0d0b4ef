-- Question: at what time of day do customers place their orders?
-- Grain: one row per hour of the day (0..23, UTC) with at least one completed order.
-- Reads: fact_orders (order_timestamp is ISO-8601 UTC text: the hour is characters 12-13).
-- share_of_orders is 0..1 over all completed orders.
with completed_order as (
    select
        sale.order_id,
        min(sale.order_timestamp) as order_timestamp,
        sum(sale.total_amount_cents) as order_cents
    from fact_orders as sale
    where sale.status = 'completed'
    group by sale.order_id
),

hourly as (
    select
        cast(substr(order_timestamp, 12, 2) as integer) as hour_utc,
        count(*) as orders,
        sum(order_cents) as revenue_cents
    from completed_order
    group by cast(substr(order_timestamp, 12, 2) as integer)
)

select
    hour_utc,
    orders,
    revenue_cents,
    revenue_cents / 100.0 as revenue,
    round(1.0 * orders / sum(orders) over (), 4) as share_of_orders
from hourly
order by hour_utc;
