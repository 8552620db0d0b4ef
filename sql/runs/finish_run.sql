-- finish_run: close a run with its outcome ('succeeded' or 'failed') and error, if any
-- grain: one etl_runs row, by run_id
update etl_runs
set finished_at = :finished_at,
    status = :status,
    error = :error
where run_id = :run_id
