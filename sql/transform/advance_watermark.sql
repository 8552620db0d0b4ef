-- advance_watermark: record how far this run's transform got (grain: one etl_runs row)
-- runs in the transform's own transaction, so the watermark moves only if the star tables did
update etl_runs
set transformed_through_raw_id = :to_raw_id
where run_id = :run_id
