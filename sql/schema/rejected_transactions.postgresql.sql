-- rejected_transactions (PostgreSQL dialect): quarantine, one row per rejected input record (grain: raw_id)
-- keys: raw_id PK and FK to raw_transactions (the same record in Bronze)
-- load: as schema/rejected_transactions.sql (same columns, same order). Why a variant:
--       PostgreSQL types: bigint keys, timestamptz, text compared byte-wise (collate "C").
create table if not exists rejected_transactions (
    raw_id          bigint  primary key references raw_transactions (raw_id),
    batch_id        bigint  not null references etl_files (file_id),
    source_file     text    collate "C" not null,
    record_number   bigint  not null,
    reason_code     text    collate "C" not null,
    field           text    collate "C",
    message         text    collate "C" not null,
    transaction_id  text    collate "C",
    raw_text        text    collate "C" not null,
    rejected_at     timestamptz not null
);
