-- files_summary (PostgreSQL dialect): the file registry summed by status ('loaded', 'refused', 'loading')
-- grain: one row per etl_files status
-- reads: etl_files
-- The record counts satisfy records_read = records_loaded + duplicates_skipped + records_rejected.
-- Why a twin: loaded_at is a timestamptz here; to_char spells the first and last as
-- the same fixed-width UTC text SQLite stores, which is what the caller reads.
select
    status,
    count(*) as files,
    sum(records_read) as records_read,
    sum(records_loaded) as records_loaded,
    sum(duplicates_skipped) as duplicates_skipped,
    sum(records_rejected) as records_rejected,
    to_char(min(loaded_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as first_loaded_at,
    to_char(max(loaded_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as last_loaded_at
from etl_files
group by status
order by status
