-- copy_change_rejects: quarantine this change-event file's rejected records (grain: source, raw_id)
-- reads: raw_changes_received (this batch: the rows after :after_raw_id; load_status =
-- 'rejected'), so the quarantine shows each record's whole text as received
insert into rejected_records (
    source, raw_id, batch_id, source_file, record_number, reason_code, field, message,
    record_key, raw_text, rejected_at
)
select
    'changes' as source,
    raw_id,
    batch_id,
    source_file,
    record_number,
    reject_reason,
    reject_field,
    reject_message,
    change_id,
    received_text,
    loaded_at
from raw_changes_received
where raw_id > :after_raw_id
  and load_status = 'rejected'
