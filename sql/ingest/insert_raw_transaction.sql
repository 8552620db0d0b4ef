-- insert_raw_transaction: append one input record to Bronze (grain: file, record_number)
-- Run with many rows at once (executemany). Every record lands here, valid or not:
-- valid ones as 'loaded' (mark_later_copies.sql then demotes repeated transaction_ids),
-- invalid ones as 'rejected' (set_reject_reason.sql then adds the reason the contract found).
insert into raw_transactions (
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    transaction_id, order_id, event_ts, event_date, date_key,
    quantity, price_cents, order_status,
    user_id, user_name, user_email, user_registration_date,
    product_id, product_name, product_category, product_unit_price_cents
)
values (
    :raw_id, :batch_id, :source_file, :loaded_at, :record_number, :raw_text, :load_status,
    :transaction_id, :order_id, :event_ts, :event_date, :date_key,
    :quantity, :price_cents, :order_status,
    :user_id, :user_name, :user_email, :user_registration_date,
    :product_id, :product_name, :product_category, :product_unit_price_cents
)
