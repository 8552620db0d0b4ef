-- gold_refund_rate: the share of finished orders refunded, by month placed and category (grain: one row per placed_month and category)
-- keys: (placed_month YYYY-MM, category)
-- reads: fact_order_lifecycle, fact_orders, dim_products (SCD type 1: the category as it is now), dim_date
-- An order counts in each category it has lines in. finished_orders: delivered or
-- refunded (an order still on its way, or cancelled, is not a refund candidate);
-- refund_rate = refunded / finished, a double-precision division.
create view gold_refund_rate as
with order_category as (
    select distinct
        lifecycle.order_id,
        lifecycle.current_status,
        calendar.year_month as placed_month,
        product.category
    from fact_order_lifecycle as lifecycle
    inner join dim_date as calendar
        on calendar.date_key = lifecycle.placed_date_key
    inner join fact_orders as sale
        on sale.order_id = lifecycle.order_id
    inner join dim_products as product
        on product.product_key = sale.product_key
    where lifecycle.current_status = 'delivered' or lifecycle.current_status = 'refunded'
)

select
    placed_month,
    category,
    count(*) as finished_orders,
    sum(case when current_status = 'refunded' then 1 else 0 end) as refunded_orders,
    cast(sum(case when current_status = 'refunded' then 1 else 0 end) as double precision)
        / count(*) as refund_rate
from order_category
group by placed_month, category
