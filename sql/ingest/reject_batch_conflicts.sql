-- reject_batch_conflicts: within one file the first record of a transaction_id
-- (lowest record_number) wins; a later record with the same transaction_id but
-- different content is rejected as conflicting_duplicate.
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
set load_status = 'rejected',
    reject_reason = 'conflicting_duplicate',
    reject_field = 'transaction_id',
    reject_message = 'transaction_id ' || transaction_id
        || ' appears earlier in this file with different content; the first version is kept'
where batch_id = :batch_id
  and load_status = 'pending'
  and transaction_id in (select transaction_id from repeated_transaction)
  and record_hash <> (
      select first_version.record_hash
      from raw_transactions as first_version
      inner join repeated_transaction
          on repeated_transaction.transaction_id = first_version.transaction_id
         and repeated_transaction.first_record_number = first_version.record_number
      where first_version.batch_id = raw_transactions.batch_id
        and first_version.transaction_id = raw_transactions.transaction_id
  )
