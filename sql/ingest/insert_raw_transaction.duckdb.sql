-- insert_raw_transaction (DuckDB dialect): append a chunk of input records to Bronze (grain: as in insert_raw_transaction.sql)
-- Why a twin: DuckDB takes a chunk of rows in one statement, not one statement per row:
--       the engine puts the chunk in the temporary table `chunk` (its columns named after
--       the portable file's parameters; see engines/duckdb_bulk.py) and runs this once.
insert into raw_transactions (
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    transaction_id, order_id, event_ts, event_date, date_key,
    quantity, price_cents, order_status,
    user_id, user_name, user_email, user_registration_date,
    product_id, product_name, product_category, product_unit_price_cents
)
select
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    transaction_id, order_id, event_ts, event_date, date_key,
    quantity, price_cents, order_status,
    user_id, user_name, user_email, user_registration_date,
    product_id, product_name, product_category, product_unit_price_cents

from chunk
