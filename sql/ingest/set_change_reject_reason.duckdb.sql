-- set_change_reject_reason (DuckDB dialect): why the contract refused each record of a chunk (grain: raw_id)
-- Why a twin: DuckDB takes a chunk of rows in one statement (the temporary view `chunk`,
--       see engines/duckdb_bulk.py), not one statement per row.
update raw_changes
set reject_reason = chunk.reject_reason,
    reject_field = chunk.reject_field,
    reject_message = chunk.reject_message
from chunk
where raw_changes.raw_id = chunk.raw_id
