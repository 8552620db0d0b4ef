-- mark_later_event_copies: one loaded page view per event_id; the first one wins
-- (grain: one raw_events row of this batch that repeats an event_id)
-- reads: raw_events (this batch, and earlier loaded rows with the same ids)
-- As sql/ingest/mark_later_copies.sql: a later copy with identical content (same
-- record_hash) becomes 'duplicate', skipped and counted; one with other content is
-- 'rejected' as conflicting_duplicate. (An event without an event_id has one derived
-- from its content, so its copies are always identical.)
with later_copy as (
    select
        copy.raw_id,
        case when copy.record_hash = original.record_hash
             then 'duplicate' else 'rejected' end as new_status,
        original.source_file as original_file,
        original.record_number as original_record
    from raw_events as copy
    inner join raw_events as original
        on original.raw_id = (
            select min(earliest.raw_id)
            from raw_events as earliest
            where earliest.event_id = copy.event_id
              and earliest.load_status = 'loaded'
        )
    where copy.raw_id > :after_raw_id
      and copy.load_status = 'loaded'
      and copy.record_hash is not null
      and original.raw_id < copy.raw_id
)

update raw_events
set load_status = later_copy.new_status,
    reject_reason = case when later_copy.new_status = 'rejected'
                         then 'conflicting_duplicate' end,
    reject_field = case when later_copy.new_status = 'rejected'
                        then 'event_id' end,
    reject_message = case when later_copy.new_status = 'rejected'
        then 'event_id ' || raw_events.event_id
            || ' was already loaded with different content (first version: '
            || later_copy.original_file || ', record '
            || cast(later_copy.original_record as text)
            || '); the first version is kept' end
from later_copy
where raw_events.raw_id = later_copy.raw_id
