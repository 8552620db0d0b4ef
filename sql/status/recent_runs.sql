-- recent_runs: the latest runs, newest first (grain: one row per etl_runs row)
-- reads: etl_runs
-- :run_limit is how many runs to return. Timestamps are ISO-8601 UTC text; the caller
-- computes the duration (finished_at is null while a run is still running).
select
    run_id,
    command,
    status,
    started_at,
    finished_at,
    error
from etl_runs
order by run_id desc
limit :run_limit
