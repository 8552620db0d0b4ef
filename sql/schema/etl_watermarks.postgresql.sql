-- etl_watermarks (PostgreSQL dialect): how far each transform got, per input kind (grain: as in etl_watermarks.sql)
-- keys: (run_id, source) PK; run_id references etl_runs
-- load: as schema/etl_watermarks.sql. Why a twin: bigint ids, text compared byte-wise.
create table if not exists etl_watermarks (
    run_id          bigint  not null references etl_runs (run_id),
    source          text    collate "C" not null,
    from_raw_id     bigint  not null,
    through_raw_id  bigint  not null,
    primary key (run_id, source)
);
