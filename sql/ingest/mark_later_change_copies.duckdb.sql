-- mark_later_change_copies (DuckDB dialect): one loaded record per identity; the first one wins
-- (grain: as in mark_later_change_copies.sql, which says what becomes of each copy)
-- reads: raw_changes (this batch, and earlier loaded rows with the same identity: table_name,
--        row_key, source_ts_ms, source_position)
-- Why a twin: the first versions are one GROUP BY over the ids this batch's copies hold,
--       joined once, instead of the portable file's subquery per record, which DuckDB runs
--       as a join far slower than SQLite's index lookups.
with later_copy as (
    select
        copy.raw_id,
        case when copy.record_hash = original.record_hash
             then 'duplicate' else 'rejected' end as new_status,
        original.source_file as original_file,
        original.record_number as original_record
    from raw_changes as copy
    inner join (
        select loaded.table_name, loaded.row_key, loaded.source_ts_ms, loaded.source_position,
            min(loaded.raw_id) as raw_id
        from raw_changes as loaded
        inner join (
            select distinct table_name, row_key, source_ts_ms, source_position
            from raw_changes
            where raw_id > :after_raw_id and record_hash is not null
        ) as hashed
            on hashed.table_name = loaded.table_name and hashed.row_key = loaded.row_key
            and hashed.source_ts_ms = loaded.source_ts_ms
            and hashed.source_position = loaded.source_position
        where loaded.load_status = 'loaded'
        group by loaded.table_name, loaded.row_key, loaded.source_ts_ms, loaded.source_position
    ) as first_version
        on first_version.table_name = copy.table_name and first_version.row_key = copy.row_key
        and first_version.source_ts_ms = copy.source_ts_ms
        and first_version.source_position = copy.source_position
    inner join raw_changes as original on original.raw_id = first_version.raw_id
    where copy.raw_id > :after_raw_id       -- this batch's rows
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
