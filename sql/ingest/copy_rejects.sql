-- copy_rejects: quarantine this order-line file's rejected records (grain: source, raw_id)
-- reads: raw_transactions (this batch: the rows after :after_raw_id, the highest raw_id
--        before the file's rows went in; load_status = 'rejected')
insert into rejected_records (
    source, raw_id, batch_id, source_file, record_number, reason_code, field, message,
    record_key, raw_text, rejected_at
)
select
    'transactions' as source,
    raw_id,
    batch_id,
    source_file,
    record_number,
    reject_reason,
    reject_field,
    reject_message,
    transaction_id,
    raw_text,
    loaded_at
from raw_transactions
where raw_id > :after_raw_id
  and load_status = 'rejected'
