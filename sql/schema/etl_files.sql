-- etl_files: the file registry, one row per ingest attempt of a file (grain: one row per ingest attempt of a file)
-- keys: file_id surrogate PK (it is also the batch id of every record of the file);
--       sha256 is unique among loaded files, so the same bytes load only once
-- load: inserted by `warehouse ingest`; source is the file's input kind (its Bronze
--       table is that kind's); counts always satisfy
--       records_read = records_loaded + duplicates_skipped + records_rejected
create table if not exists etl_files (
    file_id             integer primary key,
    run_id              integer references etl_runs (run_id),
    path                text    not null,
    sha256              text    not null,
    file_format         text    not null check (file_format in ('json', 'jsonl')),
    status              text    not null check (status in ('loading', 'loaded', 'refused')),
    records_read        integer not null default 0,
    records_loaded      integer not null default 0,
    duplicates_skipped  integer not null default 0,
    records_rejected    integer not null default 0,
    error               text,
    loaded_at           text    not null,
    source              text    not null
);

create unique index if not exists etl_files_loaded_sha256
    on etl_files (sha256)
    where status = 'loaded';
