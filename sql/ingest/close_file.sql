-- close_file: mark a file's registry row loaded, with its SHA-256 and record counts (grain: one etl_files row)
-- The ingest counts each record as it writes it to Bronze and each later copy as
-- sql/ingest/mark_later_copies.sql demotes it, so
-- records_read = records_loaded + duplicates_skipped + records_rejected always holds;
-- the check sql/checks/etl_files_counts_reconcile.sql recounts them from Bronze.
update etl_files
set status = 'loaded',
    sha256 = :sha256,
    records_read = :records_read,
    records_loaded = :records_loaded,
    duplicates_skipped = :duplicates_skipped,
    records_rejected = :records_rejected
where file_id = :file_id
