-- set_change_record_hash: store the digest of one change-event record's canonical JSON (grain: raw_id)
-- Run with many rows at once, for the records sql/ingest/later_change_copies.sql found.
update raw_changes
set record_hash = :record_hash
where raw_id = :raw_id
