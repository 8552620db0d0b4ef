-- silver_orders_current: merge the run's change events of the orders table (grain: one row per order_id)
-- keys: order_id
-- reads: raw_changes (loaded events of table orders staged in this run:
--        raw_id in (:from_raw_id, :to_raw_id])
-- Rule (the order of truth): per order, the run's newest event (greatest source_ts_ms,
-- then source_position) is a candidate; it replaces the stored row only if it is newer
-- than the version stored. So an event older than the state it would change never
-- overwrites it, a replay changes nothing, and a delete (is_deleted = 1) stays deleted
-- when an older update arrives later. "Newest wins" is associative and commutative: any
-- order of files gives the same rows.
insert into silver_orders_current (
    order_id, user_id, status, created_at, created_us, created_date_key, updated_at,
    updated_us, is_deleted, version_ts_ms, version_position
)
with staged as (
    select
        row_key,
        user_id,
        order_status,
        order_created_at,
        order_created_us,
        order_created_date_key,
        order_updated_at,
        order_updated_us,
        case when op = 'd' then 1 else 0 end as is_deleted,
        source_ts_ms,
        source_position,
        row_number() over (
            partition by row_key
            order by source_ts_ms desc, source_position desc
        ) as newest_first
    from raw_changes
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and load_status = 'loaded'
      -- || '': read the run's raw_id range (orders are a fifth of the events), not every orders
      -- event of the history through the index on table_name
      and table_name || '' = 'orders'
)

select
    row_key, user_id, order_status, order_created_at, order_created_us,
    order_created_date_key, order_updated_at, order_updated_us, is_deleted,
    source_ts_ms, source_position
from staged
where newest_first = 1
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
