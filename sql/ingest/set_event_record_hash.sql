-- set_event_record_hash: store the digest of one page-view record's canonical JSON (grain: raw_id)
-- Run with many rows at once, for the records sql/ingest/later_event_copies.sql found.
update raw_events
set record_hash = :record_hash
where raw_id = :raw_id
