-- last_event_raw_id: the raw_id a page-view file's records come after (grain: one value)
-- reads: raw_events, etl_watermarks. As sql/ingest/last_raw_id.sql: the highest raw_id in
-- Bronze, or the events watermark if that is higher; 0 when both are empty.
select max(high) as last_raw_id
from (
    select coalesce(max(raw_id), 0) as high
    from raw_events
    union all
    select coalesce(max(through_raw_id), 0) as high
    from etl_watermarks
    where source = 'events'
) as candidate
