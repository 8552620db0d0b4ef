-- record_refused_file: register a file refused as a whole (e.g. a .json file that is
-- not a well-formed array). Nothing from it was loaded; the error says where it broke.
insert into etl_files (run_id, path, sha256, file_format, status, error, loaded_at, source)
values (:run_id, :path, :sha256, :file_format, 'refused', :error, :loaded_at, :source)
