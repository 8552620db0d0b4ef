-- skip_batch_duplicates: within one file, a later identical copy of a record
-- (same transaction_id, same content) is an exact duplicate: skipped and counted.
-- Runs after reject_batch_conflicts, so every later pending copy left is identical
-- to the first version.
-- reads: raw_transactions (this batch's pending rows only)
with repeated_transaction as (
    select
        transaction_id,
        min(record_number) as first_record_number
    from raw_transactions
    where batch_id = :batch_id
      and load_status = 'pending'
    group by transaction_id
    having count(*) > 1
)

update raw_transactions
set load_status = 'duplicate'
where batch_id = :batch_id
  and load_status = 'pending'
  and transaction_id in (select transaction_id from repeated_transaction)
  and record_number > (
      select repeated_transaction.first_record_number
      from repeated_transaction
      where repeated_transaction.transaction_id = raw_transactions.transaction_id
  )
