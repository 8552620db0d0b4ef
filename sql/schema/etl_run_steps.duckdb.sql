-- etl_run_steps (DuckDB dialect): one row per step of a run (grain: as in etl_run_steps.sql)
-- keys, load: as in etl_run_steps.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an index for each (memory and
--       insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead.
create table if not exists etl_run_steps (
    run_id       bigint not null,
    step_number  bigint not null,
    step         text    not null,
    target       text,
    duration_ms  bigint not null,
    row_count    bigint not null,
    primary key (run_id, step_number)
);
