-- insert_raw_change_payments: append one valid change event of the payments table to Bronze (grain: file, record_number)
-- Run with many rows at once (executemany), where rows go one statement each (SQLite; see
-- load/parts.py): the same row as insert_raw_change.sql, binding only the columns an event
-- of payments can fill (the envelope, the payment's row columns, schema_key; contract.PARTS):
-- the table's other columns stay NULL. Only 'loaded' rows come here; a rejected record
-- and an event of a table the warehouse does not model go through insert_raw_change.sql.
insert into raw_changes (
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    table_name, known_table, op, row_key, source_ts_ms, source_position,
    change_ts, change_date, date_key, order_id, payment_id, payment_method,
    amount_cents, currency, payment_status, payment_created_at, payment_created_us,
    payment_created_date_key, schema_key
)
values (
    :raw_id, :batch_id, :source_file, :loaded_at, :record_number, :raw_text,
    :load_status, :table_name, :known_table, :op, :row_key, :source_ts_ms,
    :source_position, :change_ts, :change_date, :date_key, :order_id, :payment_id,
    :payment_method, :amount_cents, :currency, :payment_status, :payment_created_at,
    :payment_created_us, :payment_created_date_key, :schema_key
)
