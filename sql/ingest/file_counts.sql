-- file_counts: the registry counts of one file (grain: one etl_files row)
select records_read, records_loaded, duplicates_skipped, records_rejected
from etl_files
where file_id = :file_id
