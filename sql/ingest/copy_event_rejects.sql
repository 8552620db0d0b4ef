-- copy_event_rejects: quarantine this page-view file's rejected records (grain: source, raw_id)
-- reads: raw_events (this batch: the rows after :after_raw_id; load_status = 'rejected')
insert into rejected_records (
    source, raw_id, batch_id, source_file, record_number, reason_code, field, message,
    record_key, raw_text, rejected_at
)
select
    'events' as source,
    raw_id,
    batch_id,
    source_file,
    record_number,
    reject_reason,
    reject_field,
    reject_message,
    event_id,
    raw_text,
    loaded_at
from raw_events
where raw_id > :after_raw_id
  and load_status = 'rejected'
