-- dq_check_results: the history of every quality check in every run (grain: one row per check per run: run_id, check_name)
-- keys: result_id surrogate PK; run_id references etl_runs
-- load: appended each time checks run (`warehouse transform`, `run_pipeline`, `warehouse check`).
--       status: 'pass' (no failing row), 'warn' (a warn check found rows) or 'fail' (an
--       error check found rows: the run's transform was rolled back). sample holds up to
--       five failing rows as JSON.
create table if not exists dq_check_results (
    result_id     integer primary key,
    run_id        integer not null references etl_runs (run_id),
    check_name    text    not null,
    severity      text    not null check (severity in ('error', 'warn')),
    status        text    not null check (status in ('pass', 'warn', 'fail')),
    failing_rows  integer not null,
    sample        text,
    checked_at    text    not null
);
