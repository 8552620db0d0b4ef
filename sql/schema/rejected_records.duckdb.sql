-- rejected_records (DuckDB dialect): the quarantine, one row per rejected input record of any kind (grain: as in rejected_records.sql)
-- keys, load: as in rejected_records.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an index for each (memory and
--       insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead.
create table if not exists rejected_records (
    source          text    not null,
    raw_id          bigint not null,
    batch_id        bigint not null,
    source_file     text    not null,
    record_number   bigint not null,
    reason_code     text    not null,
    field           text,
    message         text    not null,
    record_key      text,
    raw_text        text    not null,
    rejected_at     text    not null,
    primary key (source, raw_id)
);
