-- rejected_records (PostgreSQL dialect): the quarantine, one row per rejected input record of any kind (grain: as in rejected_records.sql)
-- keys: (source, raw_id) PK; batch_id references etl_files
-- load: as schema/rejected_records.sql (same columns, same order). Why a twin:
--       PostgreSQL types: bigint keys, timestamptz, text compared byte-wise (collate "C").
create table if not exists rejected_records (
    source          text    collate "C" not null,
    raw_id          bigint  not null,
    batch_id        bigint  not null references etl_files (file_id),
    source_file     text    collate "C" not null,
    record_number   bigint  not null,
    reason_code     text    collate "C" not null,
    field           text    collate "C",
    message         text    collate "C" not null,
    record_key      text    collate "C",
    raw_text        text    collate "C" not null,
    rejected_at     timestamptz not null,
    primary key (source, raw_id)
);
