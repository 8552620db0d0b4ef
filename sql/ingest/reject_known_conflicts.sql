-- reject_known_conflicts: a record whose transaction_id is already loaded (from an
-- earlier file) with different content is rejected as conflicting_duplicate;
-- the first version stays in the warehouse.
-- reads: raw_transactions (this batch's pending rows, earlier loaded rows)
update raw_transactions
set load_status = 'rejected',
    reject_reason = 'conflicting_duplicate',
    reject_field = 'transaction_id',
    reject_message = 'transaction_id ' || transaction_id
        || ' was already loaded with different content; the first version is kept'
where batch_id = :batch_id
  and load_status = 'pending'
  and exists (
      select 1
      from raw_transactions as loaded
      where loaded.transaction_id = raw_transactions.transaction_id
        and loaded.load_status = 'loaded'
  )
