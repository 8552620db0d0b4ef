-- any_change_copies: is any change event's identity loaded twice in raw_changes? (grain: one row, or none)
-- reads: raw_changes (every loaded row, by the index raw_changes_loaded_row: table_name,
-- row_key, source_ts_ms, source_position, in that order, so two copies are neighbours)
-- Asked only after a bulk file (load/ingest.py is_bulk: Bronze held no more rows before
-- it than the file's size allows, so this pass reads a few times the file's rows at most,
-- in index order). No row: no event of the file repeats one loaded before it or in it, and
-- the ingest skips sql/ingest/later_change_copies.sql, which looks each of the file's rows
-- up in the index (1,027,504 events into an empty warehouse: 1.25 s of CPU, against 0.30 s
-- for this pass). A row: that file runs as for any other file.
select 1 as found
from raw_changes
where load_status = 'loaded'
group by table_name, row_key, source_ts_ms, source_position
having count(*) > 1
limit 1
