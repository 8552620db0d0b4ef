-- mark_later_change_copies: one loaded change event per identity; the first one wins
-- (grain: one raw_changes row of this batch that repeats an event's identity)
-- reads: raw_changes (this batch, and earlier loaded rows with the same identity: table_name,
-- row_key, source_ts_ms, source_position, by the index raw_changes_loaded_row). The message
-- names the identity as the text change_id '<table>/<row key>/<source ts_ms>/<position>'.
-- As sql/ingest/mark_later_copies.sql: a later copy with identical content (same
-- record_hash) becomes 'duplicate', skipped and counted; one with other content is
-- 'rejected' as conflicting_duplicate: the same table, key and position with other
-- content (a replay of an event is identical, so it is a duplicate).
with later_copy as (
    select
        copy.raw_id,
        case when copy.record_hash = original.record_hash
             then 'duplicate' else 'rejected' end as new_status,
        original.source_file as original_file,
        original.record_number as original_record
    from raw_changes as copy
    inner join raw_changes as original
        on original.raw_id = (
            select min(earliest.raw_id)
            from raw_changes as earliest
            where earliest.table_name = copy.table_name
              and earliest.row_key = copy.row_key
              and earliest.source_ts_ms = copy.source_ts_ms
              and earliest.source_position = copy.source_position
              and earliest.load_status = 'loaded'
        )
    where copy.raw_id > :after_raw_id
      and copy.load_status = 'loaded'
      and copy.record_hash is not null
      and original.raw_id < copy.raw_id
)

update raw_changes
set load_status = later_copy.new_status,
    reject_reason = case when later_copy.new_status = 'rejected'
                         then 'conflicting_duplicate' end,
    reject_field = case when later_copy.new_status = 'rejected'
                        then 'change_id' end,
    reject_message = case when later_copy.new_status = 'rejected'
        then 'change_id ' || raw_changes.table_name || '/' || raw_changes.row_key
            || '/' || cast(raw_changes.source_ts_ms as text)
            || '/' || cast(raw_changes.source_position as text)
            || ' was already loaded with different content (first version: '
            || later_copy.original_file || ', record '
            || cast(later_copy.original_record as text)
            || '); the first version is kept' end
from later_copy
where raw_changes.raw_id = later_copy.raw_id
