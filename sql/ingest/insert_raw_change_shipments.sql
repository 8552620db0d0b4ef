-- insert_raw_change_shipments: append one valid change event of the shipments table to Bronze (grain: file, record_number)
-- Run with many rows at once (executemany), where rows go one statement each (SQLite; see
-- load/parts.py): the same row as insert_raw_change.sql, binding only the columns an event
-- of shipments can fill (the envelope, the shipment's row columns, schema_key; contract.PARTS):
-- the table's other columns stay NULL. Only 'loaded' rows come here; a rejected record
-- and an event of a table the warehouse does not model go through insert_raw_change.sql.
insert into raw_changes (
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    table_name, known_table, op, row_key, source_ts_ms, source_position,
    change_ts, change_date, date_key, order_id, shipment_id, carrier, shipped_at,
    shipped_us, shipped_date_key, delivered_at, delivered_us, delivered_date_key,
    schema_key
)
values (
    :raw_id, :batch_id, :source_file, :loaded_at, :record_number, :raw_text,
    :load_status, :table_name, :known_table, :op, :row_key, :source_ts_ms,
    :source_position, :change_ts, :change_date, :date_key, :order_id, :shipment_id,
    :carrier, :shipped_at, :shipped_us, :shipped_date_key, :delivered_at, :delivered_us,
    :delivered_date_key, :schema_key
)
