-- fact_orders_status_values: status is one of the accepted values
-- severity: error
-- grain of failing rows: one row per fact line with another status
-- reads: fact_orders
-- scope: the rows this run added (order_key > :from_order_key); `warehouse check` passes 0,
--        so on demand it covers every row. Each published row was checked when published.
select transaction_id, status
from fact_orders
where order_key > :from_order_key
  and (status is null or status not in ('completed', 'cancelled', 'refunded'))
