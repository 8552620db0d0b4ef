-- raw_changes_drop_indexes: drop raw_changes' index before a bulk ingest
-- grain: none (DDL); runs inside the file's transaction, and schema/raw_changes.sql builds
--        it again (create index if not exists) before the file's duplicate check reads
--        it and before it commits
-- A file of about as many records as the table holds is stored several times faster
-- without it and the index built once after, in one sort, than kept up to date record by
-- record (random inserts into a B-tree; docs/BENCHMARKS.md).
drop index if exists raw_changes_loaded_row;
