-- find_loaded_file: the registry row of an already loaded file with these bytes, if any
-- grain: at most one row (sha256 is unique among loaded files); reads: etl_files
select file_id, path, loaded_at, records_read
from etl_files
where sha256 = :sha256
  and status = 'loaded'
