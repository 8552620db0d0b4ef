-- recent_runs (PostgreSQL dialect): the latest runs, newest first (grain: as in recent_runs.sql)
-- reads: etl_runs
-- :run_limit is how many runs to return. The caller computes the duration from the
-- ISO-8601 UTC text (finished_at is null while a run is still running).
-- Why a twin: the times are timestamptz here; to_char spells them as the same
-- fixed-width UTC text SQLite stores, which is what the caller reads.
select
    run_id,
    command,
    status,
    to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as started_at,
    to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as finished_at,
    error
from etl_runs
order by run_id desc
limit :run_limit
