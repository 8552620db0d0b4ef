-- later_event_copies (DuckDB dialect): this batch's valid records whose event_id was loaded before them,
-- each with the first loaded version (grain: as in later_event_copies.sql)
-- reads: raw_events (this batch, and earlier loaded rows with the same ids)
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
    select distinct event_id
    from raw_events
    where raw_id > :after_raw_id
      and load_status = 'loaded'
),

earlier_version as (
    -- the first version loaded before this batch, of an id the batch holds
    select loaded.event_id, min(loaded.raw_id) as raw_id
    from raw_events as loaded
    inner join batch_key on batch_key.event_id = loaded.event_id
    where loaded.raw_id <= :after_raw_id
      and loaded.load_status = 'loaded'
    group by loaded.event_id
),

batch_version as (
    -- an id this batch holds more than once: its first record here
    select event_id, min(raw_id) as raw_id
    from raw_events
    where raw_id > :after_raw_id
      and load_status = 'loaded'
    group by event_id
    having count(*) > 1
),

first_version as (
    -- an id loaded once is only this batch's own record: no copy to find
    select event_id, min(raw_id) as raw_id
    from (
        select event_id, raw_id from earlier_version
        union all
        select event_id, raw_id from batch_version
    ) as found
    group by event_id
),

later_copy as (
    select copy.raw_id, first_version.raw_id as original_raw_id
    from raw_events as copy
    inner join first_version on first_version.event_id = copy.event_id
    where copy.raw_id > :after_raw_id
      and copy.load_status = 'loaded'
      and first_version.raw_id < copy.raw_id
    order by copy.raw_id
    limit :page_size
)

select
    later_copy.raw_id,
    copy.raw_text as raw_text,
    later_copy.original_raw_id,
    original.raw_text as original_raw_text,
    original.record_hash as original_record_hash
from later_copy
inner join raw_events as copy on copy.raw_id = later_copy.raw_id
inner join raw_events as original on original.raw_id = later_copy.original_raw_id
order by later_copy.raw_id
