-- start_run: open the etl_runs row of a command (grain: run)
-- keys: run_id, returned to the caller; status starts as 'running'
insert into etl_runs (command, started_at, status, parameters)
values (:command, :started_at, 'running', :parameters)
returning run_id
