-- insert_raw_change (DuckDB dialect): append a chunk of change events to Bronze (grain: as in insert_raw_change.sql)
-- Why a twin: DuckDB takes a chunk of rows in one statement, not one statement per row:
--       the engine puts the chunk in the temporary view `chunk` (its columns named after
--       the portable file's parameters; see engines/duckdb_bulk.py) and runs this once.
insert into raw_changes (
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    table_name, known_table, op, row_key, source_ts_ms, source_position,
    change_ts, change_date, date_key, order_id, user_id, order_status,
    order_created_at, order_created_us, order_created_date_key, order_updated_at,
    order_updated_us, order_updated_date_key, payment_id, payment_method, amount_cents,
    currency, payment_status, payment_created_at, payment_created_us,
    payment_created_date_key, shipment_id, carrier, shipped_at, shipped_us,
    shipped_date_key, delivered_at, delivered_us, delivered_date_key, product_id,
    product_name, category, unit_price_cents, schema_key
)
select
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    table_name, known_table, op, row_key, source_ts_ms, source_position,
    change_ts, change_date, date_key, order_id, user_id, order_status,
    order_created_at, order_created_us, order_created_date_key, order_updated_at,
    order_updated_us, order_updated_date_key, payment_id, payment_method, amount_cents,
    currency, payment_status, payment_created_at, payment_created_us,
    payment_created_date_key, shipment_id, carrier, shipped_at, shipped_us,
    shipped_date_key, delivered_at, delivered_us, delivered_date_key, product_id,
    product_name, category, unit_price_cents, schema_key

from chunk
