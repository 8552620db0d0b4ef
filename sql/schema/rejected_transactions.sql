-- rejected_transactions: quarantine, one row per rejected input record (grain: raw_id)
-- keys: raw_id PK and FK to raw_transactions (the same record in Bronze)
-- load: copied from raw_transactions at the end of each file's ingest
create table if not exists rejected_transactions (
    raw_id          integer primary key references raw_transactions (raw_id),
    batch_id        integer not null references etl_files (file_id),
    source_file     text    not null,
    record_number   integer not null,
    reason_code     text    not null,
    field           text,
    message         text    not null,
    transaction_id  text,
    raw_text        text    not null,
    rejected_at     text    not null
);
