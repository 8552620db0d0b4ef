-- skip_batch_duplicates: within one file, a later identical copy of a record
-- (same transaction_id, same content) is an exact duplicate: skipped and counted.
-- Runs after reject_batch_conflicts, so any earlier pending copy is the first version.
-- reads: raw_transactions (this batch's pending rows only)
update raw_transactions
set load_status = 'duplicate'
where batch_id = :batch_id
  and load_status = 'pending'
  and exists (
      select 1
      from raw_transactions as first_version
      where first_version.batch_id = raw_transactions.batch_id
        and first_version.transaction_id = raw_transactions.transaction_id
        and first_version.load_status = 'pending'
        and first_version.record_number < raw_transactions.record_number
        and first_version.record_hash = raw_transactions.record_hash
  )
