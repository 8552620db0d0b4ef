-- files_summary: the file registry summed by status ('loaded', 'refused', 'loading')
-- grain: one row per etl_files status
-- reads: etl_files
-- The record counts satisfy records_read = records_loaded + duplicates_skipped + records_rejected.
select
    status,
    count(*) as files,
    sum(records_read) as records_read,
    sum(records_loaded) as records_loaded,
    sum(duplicates_skipped) as duplicates_skipped,
    sum(records_rejected) as records_rejected,
    min(loaded_at) as first_loaded_at,
    max(loaded_at) as last_loaded_at
from etl_files
group by status
order by status
