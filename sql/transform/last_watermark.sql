-- last_watermark: the highest raw_id a committed transform has processed (0 if none)
-- reads: etl_runs.transformed_through_raw_id (written in the same transaction as the
--        transform itself, so it is exactly as current as the star tables)
select coalesce(max(transformed_through_raw_id), 0) as watermark
from etl_runs
