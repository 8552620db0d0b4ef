-- later_change_copies: this batch's valid change events whose identity was loaded before them,
-- each with the first loaded version (grain: one raw_changes row of this batch)
-- reads: raw_changes (this batch: raw_id > :after_raw_id, and earlier loaded rows with the
-- same identity: table_name, row_key, source_ts_ms, source_position, by the index
-- raw_changes_loaded_row), raw_changes_received (their texts as received). As
-- sql/ingest/later_copies.sql, for change events: read in raw_id order in pages of
-- :page_size; the ingest hashes just these pairs (each record whole, as received: a
-- wrapped record with its schema).
select
    copy.raw_id,
    copy_received.received_text as raw_text,
    original.raw_id as original_raw_id,
    original_received.received_text as original_raw_text,
    original.record_hash as original_record_hash
from raw_changes as copy
inner join raw_changes_received as copy_received
    on copy_received.raw_id = copy.raw_id
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
inner join raw_changes_received as original_received
    on original_received.raw_id = original.raw_id
where copy.raw_id > :after_raw_id
  and copy.load_status = 'loaded'
  and exists (
      select 1
      from raw_changes as earlier
      where earlier.table_name = copy.table_name
        and earlier.row_key = copy.row_key
        and earlier.source_ts_ms = copy.source_ts_ms
        and earlier.source_position = copy.source_position
        and earlier.load_status = 'loaded'
        and earlier.raw_id < copy.raw_id
  )
order by copy.raw_id
limit :page_size
