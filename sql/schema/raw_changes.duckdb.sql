-- raw_changes (DuckDB dialect): Bronze + staging of change events (Debezium), one row per input record (grain: as in raw_changes.sql)
-- keys, load: as in raw_changes.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no partial indexes in DuckDB: the index is left out; no foreign
--       keys: DuckDB builds an in-memory index for each; raw_id is unique by construction (each
--       file takes the ids after the highest, under the run lock) and declared as no key.
create table if not exists raw_changes (
    raw_id              bigint not null,
    batch_id            bigint not null,
    source_file         text    not null,
    record_number       bigint not null,
    raw_text            text    not null,
    record_hash         text,
    load_status         text    not null
                        check (load_status = 'loaded' or load_status = 'duplicate'
                               or load_status = 'rejected'),
    reject_reason       text,
    reject_field        text,
    reject_message      text,
    table_name          text,
    known_table         bigint check (known_table = 0 or known_table = 1),
    op                  text    check (op = 'c' or op = 'u' or op = 'd' or op = 'r'),
    row_key             text,
    source_ts_ms        bigint,
    source_position     bigint,
    change_ts           text,
    change_date         text,
    date_key            bigint,
    order_id            text,
    user_id             text,
    order_status        text,
    order_created_at    text,
    order_created_us    bigint,
    order_created_date_key bigint,
    order_updated_at    text,
    order_updated_us    bigint,
    order_updated_date_key bigint,
    payment_id          text,
    payment_method      text,
    amount_cents        bigint check (amount_cents >= 0),
    currency            text,
    payment_status      text,
    payment_created_at  text,
    payment_created_us  bigint,
    payment_created_date_key bigint,
    shipment_id         text,
    carrier             text,
    shipped_at          text,
    shipped_us          bigint,
    shipped_date_key    bigint,
    delivered_at        text,
    delivered_us        bigint,
    delivered_date_key  bigint,
    product_id          text,
    product_name        text,
    category            text,
    unit_price_cents    bigint check (unit_price_cents >= 0),
    loaded_at           text    not null,
    schema_key          text
);

-- the merge and the lifecycle read one row's events in event-time order
