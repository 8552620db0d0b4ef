-- skip_known_duplicates: a record whose transaction_id is already loaded (from an
-- earlier file) with identical content is an exact duplicate: skipped and counted.
-- reads: raw_transactions (this batch's pending rows, earlier loaded rows)
update raw_transactions
set load_status = 'duplicate'
where batch_id = :batch_id
  and load_status = 'pending'
  and exists (
      select 1
      from raw_transactions as loaded
      where loaded.transaction_id = raw_transactions.transaction_id
        and loaded.load_status = 'loaded'
        and loaded.record_hash = raw_transactions.record_hash
  )
