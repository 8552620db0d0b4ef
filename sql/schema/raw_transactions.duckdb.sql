-- raw_transactions (DuckDB dialect): Bronze + staging, one row per input record (grain: as in raw_transactions.sql)
-- keys, load: as in raw_transactions.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no partial indexes in DuckDB: the index is left out (the
--       ingest, under the run lock, keeps what it guarded; hash joins serve the lookups); no
--       foreign keys: DuckDB builds an index for each (memory and insert time a columnar load
--       should not pay); sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key
--       checks run in every transform instead; raw_id is unique by construction (each file
--       takes the ids after the highest, under the run lock) and declared as no key: a key on
--       every Bronze row cost a third of the insert and its index most of the memory.
create table if not exists raw_transactions (
    raw_id                     bigint not null,
    batch_id                   bigint not null,
    source_file                text    not null,
    record_number              bigint not null,
    raw_text                   text    not null,
    record_hash                text,
    -- spelt with OR, not IN (...): rows arrive one executemany call at a time, and
    -- SQLite builds the IN list's lookup table afresh for each (2 µs a row, measured)
    load_status                text    not null
                               check (load_status = 'loaded' or load_status = 'duplicate'
                                      or load_status = 'rejected'),
    reject_reason              text,
    reject_field               text,
    reject_message             text,
    transaction_id             text,
    order_id                   text,
    event_ts                   text,
    event_date                 text,
    date_key                   bigint,
    quantity                   bigint,
    price_cents                bigint,
    order_status               text,
    user_id                    text,
    user_name                  text,
    user_email                 text,
    user_registration_date     text,
    product_id                 text,
    product_name               text,
    product_category           text,
    product_unit_price_cents   bigint,
    loaded_at                  text    not null
);
