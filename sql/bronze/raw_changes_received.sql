-- raw_changes_received: every change-event record exactly as received (grain: one row per raw_changes row)
-- keys: raw_id, the record's row in raw_changes
-- reads: raw_changes, raw_change_schemas
-- A record received as exactly {"schema":<S>,"payload":<P>} with a schema already stored
-- keeps only P's text in raw_changes.raw_text and S's key in schema_key (S is stored once, in
-- raw_change_schemas); this view puts the bytes back together. Every other record kept its
-- whole text in raw_text. So received_text is, byte for byte, the record as read from its
-- file (a JSON Lines line without its line ending; an array's element).
create view raw_changes_received as
select
    raw_id,
    batch_id,
    source_file,
    record_number,
    load_status,
    reject_reason,
    reject_field,
    reject_message,
    -- an event's identity as one text (not stored: raw_changes keeps its four columns)
    table_name || '/' || row_key || '/' || cast(source_ts_ms as text)
        || '/' || cast(source_position as text) as change_id,
    schema_key,
    case
        when schema_key is null then raw_text
        else '{"schema":'
            || (select stored.schema_text
                from raw_change_schemas as stored
                where stored.schema_key = raw_changes.schema_key)
            || ',"payload":' || raw_text || '}'
    end as received_text,
    loaded_at
from raw_changes
