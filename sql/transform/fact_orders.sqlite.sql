-- fact_orders (SQLite dialect): append order lines (grain: as in schema/fact_orders.sql)
-- keys: as fact_orders.sql gives them: the next keys after the highest so far, in raw_id
--       (load) order. Why a twin: SQLite gives exactly those keys itself: an integer
--       primary key left out takes the highest key + 1 as each row arrives, and the rows
--       arrive in raw_id order, so no window function is needed (DESIGN.md says what that
--       saves; a test compares the two files' keys). user_key, product_key, date_key are
--       looked up in the dimensions by natural key
-- reads: silver_transactions (lines staged in this run), dim_users, dim_products
--        (dim_date is filled first; the foreign key on date_key fails loudly if not)
-- A guest checkout (no user) gets the unknown member user_key -1. A line is never
-- updated once loaded: a later record with the same transaction_id is a duplicate
-- or a conflict, handled at ingest.
insert into fact_orders (
    user_key, product_key, date_key, transaction_id, order_id,
    quantity, unit_price_cents, total_amount_cents, status, order_timestamp,
    batch_id, loaded_at
)
select
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
order by staged.raw_id
on conflict (transaction_id) do nothing
