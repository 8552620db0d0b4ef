-- raw_changes_drop_indexes: drop raw_changes' indexes before a bulk ingest
-- grain: none (DDL); runs inside the file's transaction, and schema/raw_changes.sql builds
--        them again (create index if not exists) before the file's duplicate check reads
--        them and before it commits
-- A file of about as many records as the table holds is stored several times faster
-- without them and the indexes built once after, in one sort each, than kept up to date
-- record by record (random inserts into two B-trees; docs/BENCHMARKS.md).
drop index if exists raw_changes_loaded_change_id;

drop index if exists raw_changes_loaded_row;
