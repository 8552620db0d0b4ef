-- copy_rejects: quarantine this batch's rejected records (grain: raw_id)
-- reads: raw_transactions (this batch: the rows after :after_raw_id, the highest raw_id
--        before the file's rows went in; load_status = 'rejected')
insert into rejected_transactions (
    raw_id, batch_id, source_file, record_number, reason_code, field, message,
    transaction_id, raw_text, rejected_at
)
select
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
