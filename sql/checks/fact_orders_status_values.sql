-- fact_orders_status_values: status is one of the accepted values
-- severity: error
-- enforced by: fact_orders' `status not null check (...)`
--   (inside a transform the rows it would look at were just inserted under that
--   constraint, so the transform records it as passed without running it;
--   `warehouse check` runs it over every row, to catch rows written around it)
-- grain of failing rows: one row per fact line with another status
-- reads: fact_orders
-- scope: the rows this run added (order_key > :from_order_key); `warehouse check` passes 0,
--        so on demand it covers every row. Each published row was checked when published.
select transaction_id, status
from fact_orders
where order_key > :from_order_key
  and (status is null or status not in ('completed', 'cancelled', 'refunded'))
