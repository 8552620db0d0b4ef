-- insert_raw_change (PostgreSQL dialect): append change-event records to Bronze (grain: as in insert_raw_change.sql)
-- The same columns as insert_raw_change.sql, in the same order, loaded with COPY: one COPY
-- carries the chunks of a file (as for order lines).
-- Why a twin: COPY ... FROM STDIN is PostgreSQL's bulk load; SQLite has none.
copy raw_changes (
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    table_name, known_table, op, row_key, source_ts_ms, source_position,
    change_ts, change_date, date_key, order_id, user_id, order_status,
    order_created_at, order_created_us, order_created_date_key, order_updated_at,
    order_updated_us, order_updated_date_key, payment_id, payment_method, amount_cents,
    currency, payment_status, payment_created_at, payment_created_us,
    payment_created_date_key, shipment_id, carrier, shipped_at, shipped_us,
    shipped_date_key, delivered_at, delivered_us, delivered_date_key, product_id,
    product_name, category, unit_price_cents, schema_key
) from stdin
