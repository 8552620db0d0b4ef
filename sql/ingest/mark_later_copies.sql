-- mark_later_copies: one loaded record per transaction_id; the first one wins
-- (grain: one raw_transactions row of this batch that repeats a transaction_id)
-- reads: raw_transactions (this batch, and earlier loaded rows with the same ids)
-- Valid records arrive as 'loaded'. A record whose transaction_id was loaded before it
-- (a lower raw_id: an earlier file, or earlier in this file) is a later copy; the ingest
-- has given such records, and their first versions, a record_hash (a digest of their
-- content; the other records need none):
--   identical content (same record_hash)  -> 'duplicate', skipped and counted;
--   different content                     -> 'rejected' as conflicting_duplicate.
-- The first version stays loaded, whatever the later copies say.
with later_copy as (
    select
        copy.raw_id,
        case when copy.record_hash = original.record_hash
             then 'duplicate' else 'rejected' end as new_status,
        original.source_file as original_file,
        original.record_number as original_record
    from raw_transactions as copy
    inner join raw_transactions as original
        on original.raw_id = (
            select min(earliest.raw_id)
            from raw_transactions as earliest
            where earliest.transaction_id = copy.transaction_id
              and earliest.load_status = 'loaded'
        )
    where copy.raw_id > :after_raw_id       -- this batch's rows (see later_copies.sql)
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
