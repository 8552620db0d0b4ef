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
with staged as (
    select
        row_key,
        order_id,
        carrier,
        shipped_at,
        shipped_us,
        delivered_at,
        delivered_us,
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
      and table_name = 'shipments'
)

select
    row_key, order_id, carrier, shipped_at, shipped_us, delivered_at, delivered_us,
    is_deleted, source_ts_ms, source_position
from staged
where newest_first = 1
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
