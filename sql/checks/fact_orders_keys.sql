-- fact_orders_keys: every fact line has a key and a transaction_id, each unique
-- severity: error
-- enforced by: fact_orders' primary key and `transaction_id text not null unique`
--   (inside a transform the rows it would look at were just inserted under that
--   constraint, so the transform records it as passed without running it;
--   `warehouse check` runs it over every row, to catch rows written around it)
-- grain of failing rows: one row per offending order_key or transaction_id
-- reads: fact_orders
-- scope: the rows this run added (order_key > :from_order_key); `warehouse check` passes 0,
--        so on demand it covers every row. Each published row was checked when published.
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
