-- record_check_result: append one check's outcome to the history (grain: run_id, check_name)
-- reads: nothing; the caller passes the outcome
insert into dq_check_results (run_id, check_name, severity, status, failing_rows, sample, checked_at)
values (:run_id, :check_name, :severity, :status, :failing_rows, :sample, :checked_at)
