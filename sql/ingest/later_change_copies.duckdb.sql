-- later_change_copies (DuckDB dialect): this batch's valid records whose identity was loaded before them,
-- each with the first loaded version (grain: as in later_change_copies.sql)
-- reads: raw_changes (this batch, and earlier loaded rows with the same identity: table_name,
--        row_key, source_ts_ms, source_position),
--        raw_change_schemas (a wrapped record's schema: its text rebuilt as
--        bronze/raw_changes_received.sql does, here for the pairs found only)
-- Why a twin: DuckDB runs the portable file's correlated lookups (the first version by
--       a subquery per record) as a join per page that took seconds on a small file; here
--       the first versions are found with GROUP BYs over the ids this batch holds, keeping
--       only ids loaded more than once. Only keys travel through the joins; the texts are
--       read for the page's pairs at the end. The ids loaded before this batch and the ids
--       this batch repeats are found apart: one GROUP BY over every loaded row of the
--       batch's ids, fed by the join, ran out of 96 MB at 1M lines (the join's table and
--       the aggregate's held at once); this way a 1,000,000-line file's check passes in
--       96 MB (and a fresh warehouse's earlier versions are none: an empty join).
with batch_key as (
    select distinct table_name, row_key, source_ts_ms, source_position
    from raw_changes
    where raw_id > :after_raw_id
      and load_status = 'loaded'
),

earlier_version as (
    -- the first version loaded before this batch, of an id the batch holds
    select loaded.table_name, loaded.row_key, loaded.source_ts_ms, loaded.source_position,
        min(loaded.raw_id) as raw_id
    from raw_changes as loaded
    inner join batch_key
        on batch_key.table_name = loaded.table_name and batch_key.row_key = loaded.row_key
        and batch_key.source_ts_ms = loaded.source_ts_ms
        and batch_key.source_position = loaded.source_position
    where loaded.raw_id <= :after_raw_id
      and loaded.load_status = 'loaded'
    group by loaded.table_name, loaded.row_key, loaded.source_ts_ms, loaded.source_position
),

batch_version as (
    -- an id this batch holds more than once: its first record here
    select table_name, row_key, source_ts_ms, source_position, min(raw_id) as raw_id
    from raw_changes
    where raw_id > :after_raw_id
      and load_status = 'loaded'
    group by table_name, row_key, source_ts_ms, source_position
    having count(*) > 1
),

first_version as (
    -- an id loaded once is only this batch's own record: no copy to find
    select table_name, row_key, source_ts_ms, source_position, min(raw_id) as raw_id
    from (
        select table_name, row_key, source_ts_ms, source_position, raw_id from earlier_version
        union all
        select table_name, row_key, source_ts_ms, source_position, raw_id from batch_version
    ) as found
    group by table_name, row_key, source_ts_ms, source_position
),

later_copy as (
    select copy.raw_id, first_version.raw_id as original_raw_id
    from raw_changes as copy
    inner join first_version
        on first_version.table_name = copy.table_name and first_version.row_key = copy.row_key
        and first_version.source_ts_ms = copy.source_ts_ms
        and first_version.source_position = copy.source_position
    where copy.raw_id > :after_raw_id
      and copy.load_status = 'loaded'
      and first_version.raw_id < copy.raw_id
    order by copy.raw_id
    limit :page_size
)

select
    later_copy.raw_id,
    case
        when copy.schema_key is null then copy.raw_text
        else '{"schema":' || copy_schema.schema_text || ',"payload":' || copy.raw_text || '}'
    end as raw_text,
    later_copy.original_raw_id,
    case
        when original.schema_key is null then original.raw_text
        else '{"schema":' || original_schema.schema_text || ',"payload":' || original.raw_text || '}'
    end as original_raw_text,
    original.record_hash as original_record_hash
from later_copy
inner join raw_changes as copy on copy.raw_id = later_copy.raw_id
inner join raw_changes as original on original.raw_id = later_copy.original_raw_id
left join raw_change_schemas as copy_schema on copy_schema.schema_key = copy.schema_key
left join raw_change_schemas as original_schema on original_schema.schema_key = original.schema_key
order by later_copy.raw_id
