-- later_copies (DuckDB dialect): this batch's valid records whose transaction_id was loaded before them,
-- each with the first loaded version (grain: as in later_copies.sql)
-- reads: raw_transactions (this batch, and earlier loaded rows with the same ids)
-- Why a twin: DuckDB runs the portable file's correlated lookups (the first version by
--       a subquery per record) as a join per page that took seconds on a small file; here
--       the first versions are one GROUP BY over the ids this batch holds, joined once,
--       keeping only ids loaded more than once. Only keys travel through the joins; the
--       texts are read for the page's pairs at the end (with the texts in the joins, a
--       1M-line file's check ran out of 128 MB; now it passes in 128 MB, in 0.8 s).
with batch_key as (
    select distinct transaction_id
    from raw_transactions
    where raw_id > :after_raw_id
      and load_status = 'loaded'
),

first_version as (
    -- an id loaded once is only this batch's own record: no copy to find
    select loaded.transaction_id, min(loaded.raw_id) as raw_id
    from raw_transactions as loaded
    inner join batch_key on batch_key.transaction_id = loaded.transaction_id
    where loaded.load_status = 'loaded'
    group by loaded.transaction_id
    having count(*) > 1
),

later_copy as (
    select copy.raw_id, first_version.raw_id as original_raw_id
    from raw_transactions as copy
    inner join first_version on first_version.transaction_id = copy.transaction_id
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
inner join raw_transactions as copy on copy.raw_id = later_copy.raw_id
inner join raw_transactions as original on original.raw_id = later_copy.original_raw_id
order by later_copy.raw_id
