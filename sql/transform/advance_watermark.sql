-- advance_watermark: record how far this run's transform got for one input kind
-- (grain: one etl_watermarks row: run_id, source)
-- runs in the transform's own transaction, so the watermark moves only if the star tables did
insert into etl_watermarks (run_id, source, from_raw_id, through_raw_id)
values (:run_id, :source, :from_raw_id, :to_raw_id)
