-- register_file: open the registry row for one ingest attempt of a file (grain: attempt)
-- Its file_id becomes the batch_id of every record read from the file; source is the
-- file's input kind. The file's SHA-256 is still being computed (on a second thread,
-- while the records load: load/ingest.py): sha256 stays empty until close_file.sql sets
-- it, in the same transaction, so no other session ever sees it empty.
insert into etl_files (run_id, path, sha256, file_format, status, loaded_at, source)
values (:run_id, :path, '', :file_format, 'loading', :loaded_at, :source)
returning file_id
