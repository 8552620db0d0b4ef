-- 0004_change_schemas: from version 3 to version 4 (a wrapped change event's schema kept once)
-- Runs in the transaction that opens the warehouse for a run (model/schema.py), like 0002.
-- raw_changes gains schema_key: a record received as exactly {"schema":<S>,"payload":<P>}
-- whose schema S is stored once (raw_change_schemas, created with the other tables after the
-- migrations) keeps P's text and S's key; the view raw_changes_received rebuilds the received
-- text. The rows already loaded keep their whole text (schema_key null): nothing is rewritten.
-- A version-2 warehouse has no raw_changes yet (0003 only recorded the version): it is
-- created here as version 3 defined it, so that the column is added the same way to every
-- warehouse and ends last, as in sql/schema/raw_changes.sql. (SQLite has no "add column if
-- not exists"; the PostgreSQL and DuckDB twins use theirs.)
create table if not exists raw_changes (
    raw_id              integer primary key,
    batch_id            integer not null references etl_files (file_id),
    source_file         text    not null,
    record_number       integer not null,
    raw_text            text    not null,
    record_hash         text,
    load_status         text    not null
                        check (load_status = 'loaded' or load_status = 'duplicate'
                               or load_status = 'rejected'),
    reject_reason       text,
    reject_field        text,
    reject_message      text,
    change_id           text,
    table_name          text,
    known_table         integer check (known_table = 0 or known_table = 1),
    op                  text    check (op = 'c' or op = 'u' or op = 'd' or op = 'r'),
    row_key             text,
    source_ts_ms        integer,
    source_position     integer,
    change_ts           text,
    change_date         text,
    date_key            integer,
    order_id            text,
    user_id             text,
    order_status        text,
    order_created_at    text,
    order_created_us    integer,
    order_created_date_key integer,
    order_updated_at    text,
    order_updated_us    integer,
    order_updated_date_key integer,
    payment_id          text,
    payment_method      text,
    amount_cents        integer check (amount_cents >= 0),
    currency            text,
    payment_status      text,
    payment_created_at  text,
    payment_created_us  integer,
    payment_created_date_key integer,
    shipment_id         text,
    carrier             text,
    shipped_at          text,
    shipped_us          integer,
    shipped_date_key    integer,
    delivered_at        text,
    delivered_us        integer,
    delivered_date_key  integer,
    product_id          text,
    product_name        text,
    category            text,
    unit_price_cents    integer check (unit_price_cents >= 0),
    loaded_at           text    not null
);

alter table raw_changes add column schema_key text;
