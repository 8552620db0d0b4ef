-- fact_orders_status_values: status is one of the accepted values
-- severity: error
-- grain of failing rows: one row per fact line with another status
-- reads: fact_orders
select transaction_id, status
from fact_orders
where status is null
   or status not in ('completed', 'cancelled', 'refunded')
