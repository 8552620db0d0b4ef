-- file_counts: the registry counts of one file (grain: one etl_files row)
-- reads: etl_files
select records_read, records_loaded, duplicates_skipped, records_rejected
from etl_files
where file_id = :file_id
