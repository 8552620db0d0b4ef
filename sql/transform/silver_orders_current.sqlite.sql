-- silver_orders_current (SQLite dialect): merge the run's change events of the orders table (grain: as in silver_orders_current.sql)
-- keys: order_id
-- reads: raw_changes, as silver_orders_current.sql
-- Rule: as silver_orders_current.sql (per order the newest event wins, and only over an
-- older stored version). Why a twin: SQLite applies an upsert one proposed row at a time,
-- so every event of the run is offered, each order's newest first (the sort below); the
-- rest of its events lose to it in the update's WHERE and change nothing, so the same rows
-- change and are counted as with the portable file. No window function: at 200k change
-- events the step took 331 ms of CPU with it, 228 ms without (its frames cost as much as
-- the sort). PostgreSQL and DuckDB refuse to update one row twice in a statement, hence
-- the portable file's one candidate per order.
insert into silver_orders_current (
    order_id, user_id, status, created_at, created_us, created_date_key, updated_at,
    updated_us, is_deleted, version_ts_ms, version_position
)
select
    row_key, user_id, order_status, order_created_at, order_created_us,
    order_created_date_key, order_updated_at, order_updated_us,
    case when op = 'd' then 1 else 0 end, source_ts_ms, source_position
from raw_changes
where raw_id > :from_raw_id
  and raw_id <= :to_raw_id
  and load_status = 'loaded'
  -- || '': read the run's raw_id range, not every orders event of the history through
  -- the index on table_name
  and table_name || '' = 'orders'
order by row_key, source_ts_ms desc, source_position desc
on conflict (order_id) do update set
    user_id = excluded.user_id,
    status = excluded.status,
    created_at = excluded.created_at,
    created_us = excluded.created_us,
    created_date_key = excluded.created_date_key,
    updated_at = excluded.updated_at,
    updated_us = excluded.updated_us,
    is_deleted = excluded.is_deleted,
    version_ts_ms = excluded.version_ts_ms,
    version_position = excluded.version_position
where excluded.version_ts_ms > silver_orders_current.version_ts_ms
   or (excluded.version_ts_ms = silver_orders_current.version_ts_ms
       and excluded.version_position > silver_orders_current.version_position)
