-- record_step: one step of a run with its duration and row count (grain: run_id, step_number)
-- load: appended after each step (ingest of a file, each transform file, generate)
insert into etl_run_steps (run_id, step_number, step, target, duration_ms, row_count)
values (:run_id, :step_number, :step, :target, :duration_ms, :row_count)
