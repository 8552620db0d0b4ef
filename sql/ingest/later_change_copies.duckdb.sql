-- later_change_copies (DuckDB dialect): this batch's valid records whose change_id was loaded before them,
-- each with the first loaded version (grain: as in later_change_copies.sql)
-- reads: raw_changes (this batch, and earlier loaded rows with the same ids),
--        raw_change_schemas (a wrapped record's schema: its text rebuilt as
--        bronze/raw_changes_received.sql does, here for the pairs found only)
-- Why a twin: DuckDB runs the portable file's correlated lookups (the first version by
--       a subquery per record) as a join per page that took seconds on a small file; here
--       the first versions are one GROUP BY over the ids this batch holds, joined once.
with batch as (
    select raw_id, change_id, raw_text, schema_key
    from raw_changes
    where raw_id > :after_raw_id
      and load_status = 'loaded'
),

first_version as (
    select change_id, min(raw_id) as raw_id
    from raw_changes
    where load_status = 'loaded'
      and change_id in (select change_id from batch)
    group by change_id
)

select
    copy.raw_id,
    case
        when copy.schema_key is null then copy.raw_text
        else '{"schema":' || copy_schema.schema_text || ',"payload":' || copy.raw_text || '}'
    end as raw_text,
    original.raw_id as original_raw_id,
    case
        when original.schema_key is null then original.raw_text
        else '{"schema":' || original_schema.schema_text || ',"payload":' || original.raw_text || '}'
    end as original_raw_text,
    original.record_hash as original_record_hash
from batch as copy
inner join first_version on first_version.change_id = copy.change_id
inner join raw_changes as original on original.raw_id = first_version.raw_id
left join raw_change_schemas as copy_schema on copy_schema.schema_key = copy.schema_key
left join raw_change_schemas as original_schema on original_schema.schema_key = original.schema_key
where first_version.raw_id < copy.raw_id
order by copy.raw_id
limit :page_size
