-- mark_later_change_copies (DuckDB dialect): one loaded record per change_id; the first one wins
-- (grain: as in mark_later_change_copies.sql, which says what becomes of each copy)
-- reads: raw_changes (this batch, and earlier loaded rows with the same ids)
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
        select change_id, min(raw_id) as raw_id
        from raw_changes
        where load_status = 'loaded'
          and change_id in (select change_id from raw_changes
                        where raw_id > :after_raw_id and record_hash is not null)
        group by change_id
    ) as first_version on first_version.change_id = copy.change_id
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
        then 'change_id ' || raw_changes.change_id
            || ' was already loaded with different content (first version: '
            || later_copy.original_file || ', record '
            || cast(later_copy.original_record as text)
            || '); the first version is kept' end
from later_copy
where raw_changes.raw_id = later_copy.raw_id
