-- advance_watermark: record how far this run's transform got (grain: one etl_runs row)
update etl_runs
set transformed_through_raw_id = :to_raw_id
where run_id = :run_id
