-- rejected_records: the quarantine, one row per rejected input record of any kind (grain: one row per rejected input record: source, raw_id)
-- keys: (source, raw_id) PK: the record's row in its kind's Bronze table (for source
--       'transactions', raw_transactions); batch_id references etl_files
-- load: copied from Bronze at the end of each file's ingest, with the reason code, the
--       field at fault and a message naming it. record_key is the record's own id
--       (transaction_id for order lines), when it had one.
create table if not exists rejected_records (
    source          text    not null,
    raw_id          integer not null,
    batch_id        integer not null references etl_files (file_id),
    source_file     text    not null,
    record_number   integer not null,
    reason_code     text    not null,
    field           text,
    message         text    not null,
    record_key      text,
    raw_text        text    not null,
    rejected_at     text    not null,
    primary key (source, raw_id)
);
