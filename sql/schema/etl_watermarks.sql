-- etl_watermarks: how far each transform got, per input kind (grain: one row per transform run and input kind: run_id, source)
-- keys: (run_id, source) PK; run_id references etl_runs
-- load: one row per source a transform processed, written in the transform's own
--       transaction, so it is exactly as current as the star tables. The run processed
--       that source's Bronze rows with raw_id in (from_raw_id, through_raw_id]; a
--       source's watermark is its highest through_raw_id, and the next transform
--       starts after it.
create table if not exists etl_watermarks (
    run_id          integer not null references etl_runs (run_id),
    source          text    not null,
    from_raw_id     integer not null,
    through_raw_id  integer not null,
    primary key (run_id, source)
);
