-- fact_orders_foreign_keys (DuckDB dialect): every fact foreign key resolves to its dimension
-- severity: error
-- Why a twin: DuckDB declares no foreign keys (schema/fact_orders.duckdb.sql), so this check
--       runs in every transform (over the rows the run added), where the portable file is
--       recorded as passed
-- grain of failing rows: one row per fact line with a dangling key
-- reads: fact_orders, dim_users, dim_products, dim_date
-- scope: the rows this run added (order_key > :from_order_key); `warehouse check` passes 0,
--        so on demand it covers every row. Each published row was checked when published.
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
where sale.order_key > :from_order_key
  and (customer.user_key is null
       or product.product_key is null
       or calendar.date_key is null)
