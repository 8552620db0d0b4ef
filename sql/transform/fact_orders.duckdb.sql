-- fact_orders (DuckDB dialect): append order lines (grain: as in transform/fact_orders.sql)
-- keys: order_key as in the portable file (the next keys after the highest so far, in raw_id order)
-- reads: silver_transactions (lines staged in this run), dim_users, dim_products, fact_orders
-- Why a twin: DuckDB's fact declares no unique transaction_id (schema/fact_orders.duckdb.sql:
--       an in-memory index over every line), so there is no conflict to do nothing on: a
--       line whose transaction_id the fact holds already is left out by NOT EXISTS instead.
insert into fact_orders (
    order_key, user_key, product_key, date_key, transaction_id, order_id,
    quantity, unit_price_cents, total_amount_cents, status, order_timestamp,
    batch_id, loaded_at
)
select
    (select coalesce(max(order_key), 0) from fact_orders)
        + row_number() over (order by staged.raw_id) as order_key,
    coalesce(customer.user_key, -1) as user_key,
    coalesce(product.product_key, -1) as product_key,
    staged.date_key,
    staged.transaction_id,
    staged.order_id,
    staged.quantity,
    staged.unit_price_cents,
    staged.total_amount_cents,
    staged.status,
    staged.event_ts as order_timestamp,
    staged.batch_id,
    :now as loaded_at
from silver_transactions as staged
left join dim_users as customer
    on customer.user_id = staged.user_id
left join dim_products as product
    on product.product_id = staged.product_id
where staged.raw_id > :from_raw_id
  and staged.raw_id <= :to_raw_id
  and not exists (
      select 1 from fact_orders as loaded where loaded.transaction_id = staged.transaction_id
  )
