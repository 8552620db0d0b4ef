-- insert_raw_change: append one change-event record to Bronze (grain: file, record_number)
-- Run with many rows at once (executemany). Every record lands here, valid or not:
-- valid ones as 'loaded' (mark_later_change_copies.sql then demotes replayed events),
-- invalid ones as 'rejected' (set_change_reject_reason.sql then adds the reason).
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
values (
    :raw_id, :batch_id, :source_file, :loaded_at, :record_number, :raw_text,
    :load_status, :table_name, :known_table, :op, :row_key, :source_ts_ms,
    :source_position, :change_ts, :change_date, :date_key, :order_id, :user_id,
    :order_status, :order_created_at, :order_created_us, :order_created_date_key,
    :order_updated_at, :order_updated_us, :order_updated_date_key, :payment_id,
    :payment_method, :amount_cents, :currency, :payment_status, :payment_created_at,
    :payment_created_us, :payment_created_date_key, :shipment_id, :carrier,
    :shipped_at, :shipped_us, :shipped_date_key, :delivered_at, :delivered_us,
    :delivered_date_key, :product_id, :product_name, :category, :unit_price_cents,
    :schema_key
)
