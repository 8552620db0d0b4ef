-- find_loaded_path: a loaded file registered under this path, if any (grain: at most one row)
-- reads: etl_files
-- The ingest hashes a file on a second thread while it loads it (load/ingest.py). A file
-- whose path was loaded before is most likely the same file again (a rerun), so its
-- digest is awaited first and an unchanged file is skipped before any record is read.
select file_id
from etl_files
where path = :path
  and status = 'loaded'
limit 1
