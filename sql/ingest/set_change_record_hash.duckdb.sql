-- set_change_record_hash (DuckDB dialect): store the digest of each record of a chunk (grain: raw_id)
-- Why a twin: DuckDB takes a chunk of rows in one statement (the temporary view `chunk`,
--       see engines/duckdb_bulk.py), not one statement per row.
update raw_changes
set record_hash = chunk.record_hash
from chunk
where raw_changes.raw_id = chunk.raw_id
