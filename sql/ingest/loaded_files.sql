-- loaded_files: every loaded file's digest, path and record count (grain: one row per loaded file; reads: etl_files)
-- The ingest reads them when a file begins: a file named as a loaded one waits for its
-- own digest first (most likely the same file again: skipped before any record is read),
-- and any other file is compared with them as soon as its digest, computed on a second
-- thread while the records load, is known (load/ingest.py).
select file_id, sha256, path, records_read
from etl_files
where status = 'loaded'
