-- close_interrupted_runs: mark runs left 'running' by a process that died as 'failed'
-- grain: each etl_runs row still 'running' when a new run starts
-- Safe because a new run holds the warehouse's run lock: no other run can be running.
update etl_runs
set status = 'failed',
    finished_at = :now,
    error = 'interrupted: the process ended before the run finished (killed, crashed or powered off)'
where status = 'running'
