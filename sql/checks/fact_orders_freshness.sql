-- fact_orders_freshness: the newest order is recent (not older than :stale_before)
-- severity: warn
-- threshold: 2 days before the check runs (the bound parameter :stale_before)
-- grain of failing rows: at most one row, the newest order time when it is stale
-- reads: fact_orders
-- The default warehouse holds March 2025, so on it this warns by design: a reminder
-- that freshness is judged against the clock, not against the data.
select max(order_timestamp) as newest_order
from fact_orders
-- the newest order is on the newest date_key (its UTC date): found through the
-- fact's date_key index, so the check reads one day's rows, not the whole fact
where date_key = (select max(date_key) from fact_orders)
having max(order_timestamp) < :stale_before
