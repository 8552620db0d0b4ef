-- etl_runs: one row per pipeline command that changed the warehouse (grain: run)
-- keys: run_id surrogate PK
-- load: inserted when a run starts (status 'running'), updated when it ends
--       ('succeeded' or 'failed' with the error). transformed_through_raw_id is
--       the watermark: the highest raw_transactions.raw_id a successful transform
--       has processed; the next transform starts after it.
create table if not exists etl_runs (
    run_id                      integer primary key,
    command                     text    not null,
    started_at                  text    not null,
    finished_at                 text,
    status                      text    not null default 'running'
                                check (status in ('running', 'succeeded', 'failed')),
    parameters                  text,
    error                       text,
    transformed_through_raw_id  integer
);
