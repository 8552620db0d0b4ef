-- etl_runs: one row per command that changed the warehouse (grain: one row per run)
-- keys: run_id surrogate PK
-- load: inserted when a run starts (status 'running'), updated when it ends
--       ('succeeded' or 'failed' with the error). How far each input kind's transform
--       has got is kept per source in etl_watermarks.
create table if not exists etl_runs (
    run_id       integer primary key,
    command      text    not null,
    started_at   text    not null,
    finished_at  text,
    status       text    not null default 'running'
                 check (status in ('running', 'succeeded', 'failed')),
    parameters   text,
    error        text
);
