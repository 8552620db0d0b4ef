-- reject_batch_conflicts: within one file the first record of a transaction_id
-- (lowest record_number) wins; a later record with the same transaction_id but
-- different content is rejected as conflicting_duplicate.
-- reads: raw_transactions (this batch's pending rows only)
update raw_transactions
set load_status = 'rejected',
    reject_reason = 'conflicting_duplicate',
    reject_field = 'transaction_id',
    reject_message = 'transaction_id ' || transaction_id
        || ' appears earlier in this file with different content; the first version is kept'
where batch_id = :batch_id
  and load_status = 'pending'
  and record_hash <> (
      select first_version.record_hash
      from raw_transactions as first_version
      where first_version.batch_id = raw_transactions.batch_id
        and first_version.transaction_id = raw_transactions.transaction_id
        and first_version.load_status = 'pending'
        and first_version.record_number < raw_transactions.record_number
      order by first_version.record_number
      limit 1
  )
