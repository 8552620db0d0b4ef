-- fact_orders_foreign_keys: every fact foreign key resolves to its dimension
-- severity: error
-- grain of failing rows: one row per fact line with a dangling key
-- reads: fact_orders, dim_users, dim_products, dim_date
select
    sale.transaction_id,
    sale.user_key,
    sale.product_key,
    sale.date_key
from fact_orders as sale
left join dim_users as customer
    on customer.user_key = sale.user_key
left join dim_products as product
    on product.product_key = sale.product_key
left join dim_date as calendar
    on calendar.date_key = sale.date_key
where customer.user_key is null
   or product.product_key is null
   or calendar.date_key is null
