-- rejected_transactions: the quarantine of order lines (grain: one row per rejected order-line record)
-- keys: raw_id, the record's row in raw_transactions
-- reads: rejected_records (the quarantine of every input kind) where source = 'transactions'
-- The same columns as the table of release 0.1.0, whose rows now live in rejected_records.
create view rejected_transactions as
select
    raw_id,
    batch_id,
    source_file,
    record_number,
    reason_code,
    field,
    message,
    record_key as transaction_id,
    raw_text,
    rejected_at
from rejected_records
where source = 'transactions'
