-- etl_files (DuckDB dialect): the file registry, one row per ingest attempt of a file (grain: as in etl_files.sql)
-- keys, load: as in etl_files.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no partial indexes in DuckDB: the index is left out (the
--       ingest, under the run lock, keeps what it guarded; hash joins serve the lookups); no
--       rowid in DuckDB: file_id is given by the sequence etl_files_file_id_seq; no foreign
--       keys: DuckDB builds an index for each (memory and insert time a columnar load should
--       not pay); sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run
--       in every transform instead.
create sequence if not exists etl_files_file_id_seq;

create table if not exists etl_files (
    file_id             bigint primary key default nextval('etl_files_file_id_seq'),
    run_id              bigint,
    path                text    not null,
    sha256              text    not null,
    file_format         text    not null check (file_format in ('json', 'jsonl')),
    status              text    not null check (status in ('loading', 'loaded', 'refused')),
    records_read        bigint not null default 0,
    records_loaded      bigint not null default 0,
    duplicates_skipped  bigint not null default 0,
    records_rejected    bigint not null default 0,
    error               text,
    loaded_at           text    not null,
    source              text    not null
);
