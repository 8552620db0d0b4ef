-- dq_check_results (DuckDB dialect): the history of every quality check in every run (grain: as in dq_check_results.sql)
-- keys, load: as in dq_check_results.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no rowid in DuckDB: result_id is given by the sequence
--       dq_check_results_result_id_seq; no foreign keys: DuckDB builds an index for each
--       (memory and insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead.
create sequence if not exists dq_check_results_result_id_seq;

create table if not exists dq_check_results (
    result_id     bigint primary key default nextval('dq_check_results_result_id_seq'),
    run_id        bigint not null,
    check_name    text    not null,
    severity      text    not null check (severity in ('error', 'warn')),
    status        text    not null check (status in ('pass', 'warn', 'fail')),
    failing_rows  bigint not null,
    sample        text,
    checked_at    text    not null
);
