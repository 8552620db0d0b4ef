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
with run_event as (
    -- the run's events of the orders table in the index's order (row_key, then event time):
    -- keys only, read from the index raw_changes_loaded_row alone, so no sort is needed
    select
        raw_id,
        lead(raw_id) over (
            partition by row_key
            order by source_ts_ms, source_position
        ) as next_raw_id
    from raw_changes
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and load_status = 'loaded'
      and table_name = 'orders'
)

-- the newest event of each order: the one with no later event in the run
select
    event.row_key, event.user_id, event.order_status, event.order_created_at,
    event.order_created_us, event.order_created_date_key, event.order_updated_at,
    event.order_updated_us, case when event.op = 'd' then 1 else 0 end,
    event.source_ts_ms, event.source_position
from run_event
inner join raw_changes as event
    on event.raw_id = run_event.raw_id
where run_event.next_raw_id is null
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
