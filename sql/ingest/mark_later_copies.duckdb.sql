-- mark_later_copies (DuckDB dialect): one loaded record per transaction_id; the first one wins
-- (grain: as in mark_later_copies.sql, which says what becomes of each copy)
-- reads: raw_transactions (this batch, and earlier loaded rows with the same ids)
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
    from raw_transactions as copy
    inner join (
        select transaction_id, min(raw_id) as raw_id
        from raw_transactions
        where load_status = 'loaded'
          and transaction_id in (select transaction_id from raw_transactions
                        where raw_id > :after_raw_id and record_hash is not null)
        group by transaction_id
    ) as first_version on first_version.transaction_id = copy.transaction_id
    inner join raw_transactions as original on original.raw_id = first_version.raw_id
    where copy.raw_id > :after_raw_id       -- this batch's rows
      and copy.load_status = 'loaded'
      and copy.record_hash is not null
      and original.raw_id < copy.raw_id
)

update raw_transactions
set load_status = later_copy.new_status,
    reject_reason = case when later_copy.new_status = 'rejected'
                         then 'conflicting_duplicate' end,
    reject_field = case when later_copy.new_status = 'rejected'
                        then 'transaction_id' end,
    reject_message = case when later_copy.new_status = 'rejected'
        then 'transaction_id ' || raw_transactions.transaction_id
            || ' was already loaded with different content (first version: '
            || later_copy.original_file || ', record '
            || cast(later_copy.original_record as text)
            || '); the first version is kept' end
from later_copy
where raw_transactions.raw_id = later_copy.raw_id
