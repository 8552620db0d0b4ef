-- fact_orders_freshness (PostgreSQL dialect): the newest order is recent (not older than :stale_before)
-- severity: warn
-- threshold: 2 days before the check runs (the bound parameter :stale_before)
-- grain of failing rows: at most one row, the newest order time when it is stale
-- reads: fact_orders
-- Why a twin: order_timestamp is a timestamptz here; the failing row spells it as the
-- same fixed-width UTC text SQLite stores, so the recorded sample reads the same.
select to_char(max(order_timestamp) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    as newest_order
from fact_orders
-- the newest order is on the newest date_key (its UTC date): found through the
-- fact's date_key index, so the check reads one day's rows, not the whole fact
where date_key = (select max(date_key) from fact_orders)
having max(order_timestamp) < :stale_before
