-- silver_shipments_current: merge the run's change events of the shipments table (grain: one row per shipment_id)
-- keys: shipment_id
-- reads: raw_changes (loaded events of table shipments staged in this run:
--        raw_id in (:from_raw_id, :to_raw_id])
-- Rule: as sql/transform/silver_orders_current.sql (the newest event by source_ts_ms,
-- then source_position, wins; deletes leave a tombstone that older events cannot undo).
insert into silver_shipments_current (
    shipment_id, order_id, carrier, shipped_at, shipped_us, delivered_at, delivered_us,
    is_deleted, version_ts_ms, version_position
)
with run_event as (
    -- the run's events of the shipments table in the index's order (row_key, then event time):
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
      and table_name = 'shipments'
)

-- the newest event of each shipment: the one with no later event in the run
select
    event.row_key, event.order_id, event.carrier, event.shipped_at, event.shipped_us,
    event.delivered_at, event.delivered_us, case when event.op = 'd' then 1 else 0 end,
    event.source_ts_ms, event.source_position
from run_event
inner join raw_changes as event
    on event.raw_id = run_event.raw_id
where run_event.next_raw_id is null
on conflict (shipment_id) do update set
    order_id = excluded.order_id,
    carrier = excluded.carrier,
    shipped_at = excluded.shipped_at,
    shipped_us = excluded.shipped_us,
    delivered_at = excluded.delivered_at,
    delivered_us = excluded.delivered_us,
    is_deleted = excluded.is_deleted,
    version_ts_ms = excluded.version_ts_ms,
    version_position = excluded.version_position
where excluded.version_ts_ms > silver_shipments_current.version_ts_ms
   or (excluded.version_ts_ms = silver_shipments_current.version_ts_ms
       and excluded.version_position > silver_shipments_current.version_position)
