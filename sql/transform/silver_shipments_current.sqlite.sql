-- silver_shipments_current (SQLite dialect): merge the run's change events of the shipments table (grain: as in silver_shipments_current.sql)
-- keys: shipment_id
-- reads: raw_changes, as silver_shipments_current.sql
-- Why a twin: as transform/silver_orders_current.sqlite.sql, every event offered to the
-- upsert, each shipment's newest first, instead of a window function.
insert into silver_shipments_current (
    shipment_id, order_id, carrier, shipped_at, shipped_us, delivered_at, delivered_us,
    is_deleted, version_ts_ms, version_position
)
select
    row_key, order_id, carrier, shipped_at, shipped_us, delivered_at, delivered_us,
    case when op = 'd' then 1 else 0 end, source_ts_ms, source_position
from raw_changes
where raw_id > :from_raw_id
  and raw_id <= :to_raw_id
  and load_status = 'loaded'
  and table_name = 'shipments'
order by row_key, source_ts_ms desc, source_position desc
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
