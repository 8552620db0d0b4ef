-- 0005_change_identity: from version 4 to version 5 (raw_changes no longer stores change_id)
-- Runs in the transaction that opens the warehouse for a run (model/schema.py), like 0004.
-- An event's identity is its four columns table_name, row_key, source_ts_ms and
-- source_position, already stored and indexed (raw_changes_loaded_row); the text change_id
-- ('<table>/<row key>/<source ts_ms>/<position>') repeated them in every row (58 bytes) and
-- had an index of its own. The duplicate checks now look an event up by the four columns;
-- the view raw_changes_received still shows change_id, made from them. The view reads the
-- column, so it is dropped first (the upgrade creates it again, as any missing view);
-- SQLite drops a column only once no index or view names it. Every row is rewritten once.
drop view if exists raw_changes_received;

drop index if exists raw_changes_loaded_change_id;

alter table raw_changes drop column change_id
