-- fact_orders_keys (DuckDB dialect): every fact line has a key and a transaction_id, each unique
-- severity: error
-- Why a twin: DuckDB's fact declares no key (schema/fact_orders.duckdb.sql), so this check
--       runs in every transform, over the lines the run added, and checks order_key too
-- grain of failing rows: one row per offending order_key or transaction_id
-- reads: fact_orders
-- scope: the rows this run added (order_key > :from_order_key); `warehouse check` passes 0,
--        so on demand it covers every row. Each published row was checked when published.
select earlier.order_key, earlier.transaction_id, 'duplicate order_key' as problem
from fact_orders as added
inner join fact_orders as earlier
    on earlier.order_key = added.order_key
   and earlier.transaction_id <> added.transaction_id
where added.order_key > :from_order_key
union all
select earlier.order_key, earlier.transaction_id, 'duplicate transaction_id' as problem
from fact_orders as added
inner join fact_orders as earlier
    on earlier.transaction_id = added.transaction_id
   and earlier.order_key <> added.order_key
where added.order_key > :from_order_key
union all
select order_key, transaction_id, 'null key' as problem
from fact_orders
where order_key > :from_order_key
  and transaction_id is null
