-- Question: how big is an average basket, and is it changing?
-- Grain: one row per calendar month with completed orders.
-- Reads: fact_orders, dim_date.
-- A basket is one completed order (all its lines). Averages are per order;
-- avg_order_value_cents is rounded half up to whole cents.
with completed_order as (
    select
        calendar.year_month as month,
        sale.order_id,
        count(*) as lines,
        sum(sale.quantity) as units,
        sum(sale.total_amount_cents) as order_cents
    from fact_orders as sale
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
    where sale.status = 'completed'
    group by calendar.year_month, sale.order_id
),

monthly_basket as (
    select
        month,
        count(*) as orders,
        sum(lines) as lines,
        sum(units) as units,
        sum(order_cents) as revenue_cents
    from completed_order
    group by month
)

select
    month,
    orders,
    round(1.0 * lines / orders, 2) as avg_lines_per_order,
    round(1.0 * units / orders, 2) as avg_units_per_order,
    (revenue_cents + orders / 2) / orders as avg_order_value_cents,
    ((revenue_cents + orders / 2) / orders) / 100.0 as avg_order_value
from monthly_basket
order by month;
