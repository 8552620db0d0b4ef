-- etl_watermarks (DuckDB dialect): how far each transform got, per input kind (grain: as in etl_watermarks.sql)
-- keys, load: as in etl_watermarks.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds.
create table if not exists etl_watermarks (
    run_id          bigint not null references etl_runs (run_id),
    source          text    not null,
    from_raw_id     bigint not null,
    through_raw_id  bigint not null,
    primary key (run_id, source)
);
