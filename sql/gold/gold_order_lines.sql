-- gold_order_lines: every order line with its day, product, category and customer
-- (grain: one row per order line, as fact_orders)
-- keys: transaction_id
-- reads: fact_orders, dim_date, dim_products, dim_users
-- One wide row per line, the joins done once: filter or group it by day, month,
-- category, product or customer without writing them (BI tools and the dashboard's
-- drill-down read it). user_id is null for a guest checkout (the unknown member,
-- user_key -1); the category is the product's current one (SCD1), '(none)' if it has
-- none. Money in cents.
create view gold_order_lines as
select
    sale.transaction_id,
    sale.order_id,
    calendar.full_date as sales_date,
    calendar.year_month as sales_month,
    sale.order_timestamp,
    sale.status,
    product.product_id,
    product.product_name,
    coalesce(product.category, '(none)') as category,
    case when sale.user_key = -1 then null else customer.user_id end as user_id,
    sale.quantity,
    sale.unit_price_cents,
    sale.total_amount_cents
from fact_orders as sale
inner join dim_date as calendar
    on calendar.date_key = sale.date_key
inner join dim_products as product
    on product.product_key = sale.product_key
inner join dim_users as customer
    on customer.user_key = sale.user_key
