-- etl_runs (DuckDB dialect): one row per command that changed the warehouse (grain: as in etl_runs.sql)
-- keys, load: as in etl_runs.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds; no rowid in DuckDB: run_id is given by the sequence
--       etl_runs_run_id_seq.
create sequence if not exists etl_runs_run_id_seq;

create table if not exists etl_runs (
    run_id       bigint primary key default nextval('etl_runs_run_id_seq'),
    command      text    not null,
    started_at   text    not null,
    finished_at  text,
    status       text    not null default 'running'
                 check (status in ('running', 'succeeded', 'failed')),
    parameters   text,
    error        text
);
