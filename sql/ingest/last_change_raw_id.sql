-- last_change_raw_id: the raw_id a change-event file's records come after (grain: one value)
-- reads: raw_changes, etl_watermarks. As sql/ingest/last_raw_id.sql: the highest raw_id in
-- Bronze, or the changes watermark if that is higher; 0 when both are empty.
select max(high) as last_raw_id
from (
    select coalesce(max(raw_id), 0) as high
    from raw_changes
    union all
    select coalesce(max(through_raw_id), 0) as high
    from etl_watermarks
    where source = 'changes'
) as candidate
