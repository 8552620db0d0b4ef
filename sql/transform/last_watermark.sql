-- last_watermark: the highest raw_id of one input kind's Bronze that a committed transform
-- has processed (0 if none)
-- reads: etl_watermarks (written in the same transaction as the transform itself, so it
--        is exactly as current as the star tables)
select coalesce(max(through_raw_id), 0) as watermark
from etl_watermarks
where source = :source
