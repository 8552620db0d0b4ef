-- etl_watermarks (DuckDB dialect): how far each transform got, per input kind (grain: as in etl_watermarks.sql)
-- keys, load: as in etl_watermarks.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an index for each (memory and
--       insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead.
create table if not exists etl_watermarks (
    run_id          bigint not null,
    source          text    not null,
    from_raw_id     bigint not null,
    through_raw_id  bigint not null,
    primary key (run_id, source)
);
