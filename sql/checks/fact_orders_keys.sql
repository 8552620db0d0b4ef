-- fact_orders_keys: every fact line has a key and a transaction_id, each unique
-- severity: error
-- grain of failing rows: one row per offending order_key or transaction_id
-- reads: fact_orders
select order_key, transaction_id, 'duplicate transaction_id' as problem
from fact_orders
where transaction_id in (
    select transaction_id from fact_orders group by transaction_id having count(*) > 1
)
union all
select order_key, transaction_id, 'null key' as problem
from fact_orders
where order_key is null or transaction_id is null
