-- insert_raw_transaction (PostgreSQL dialect): append input records to Bronze (grain: as in insert_raw_transaction.sql)
-- The same columns as insert_raw_transaction.sql, in the same order, loaded with COPY:
-- one COPY carries the chunks of a file (psycopg 3 cursor.copy, kept open from chunk to
-- chunk), several times faster than row inserts (figures in DESIGN.md). Every record
-- lands here, valid or not, exactly as with the portable file.
-- Why a twin: COPY ... FROM STDIN is PostgreSQL's bulk load; SQLite has none.
copy raw_transactions (
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    transaction_id, order_id, event_ts, event_date, date_key,
    quantity, price_cents, order_status,
    user_id, user_name, user_email, user_registration_date,
    product_id, product_name, product_category, product_unit_price_cents
) from stdin
