-- lifecycle_affected_from: the first day whose order-status counts this run can change (grain: one row)
-- reads: stage_lifecycle_orders (filled earlier in the run); null when the run changed no
--        order's status (the snapshot then only gains the days the calendar gained)
-- Bound into transform/fact_order_status_daily.sql as :from_date_key.
select min(affected_from_date_key) as from_date_key
from stage_lifecycle_orders
