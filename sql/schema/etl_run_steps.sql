-- etl_run_steps: one row per step of a run (grain: one row per step of a run: run_id, step_number)
-- keys: (run_id, step_number) PK; run_id references etl_runs
-- load: appended by the pipeline after each step with its duration and row count
create table if not exists etl_run_steps (
    run_id       integer not null references etl_runs (run_id),
    step_number  integer not null,
    step         text    not null,
    target       text,
    duration_ms  integer not null,
    row_count    integer not null,
    primary key (run_id, step_number)
);
