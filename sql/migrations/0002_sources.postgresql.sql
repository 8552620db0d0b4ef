-- 0002_sources (PostgreSQL dialect): from the schema of release 0.1.0 (version 1) to many input kinds (version 2)
-- The same steps as 0002_sources.sql, with PostgreSQL's types. Why a twin: PostgreSQL
-- types (bigint, timestamptz, collate "C"), and one step SQLite has no need of: the
-- surrogate keys of the dimensions and the fact stop being identity columns (the
-- transform gives them, as on every engine).

-- 1. the file registry says which input kind each file is (release 0.1.0 knew order lines only)
alter table etl_files add column source text collate "C" not null default 'transactions';

-- 2. a watermark per input kind: one row per transform run, from etl_runs' single column
create table etl_watermarks (
    run_id          bigint  not null references etl_runs (run_id),
    source          text    collate "C" not null,
    from_raw_id     bigint  not null,
    through_raw_id  bigint  not null,
    primary key (run_id, source)
);

insert into etl_watermarks (run_id, source, from_raw_id, through_raw_id)
select
    run_id,
    'transactions' as source,
    coalesce(lag(transformed_through_raw_id) over (order by run_id), 0) as from_raw_id,
    transformed_through_raw_id as through_raw_id
from etl_runs
where transformed_through_raw_id is not null;

alter table etl_runs drop column transformed_through_raw_id;

-- 3. one quarantine for every input kind; rejected_transactions becomes a view of it
create table rejected_records (
    source          text    collate "C" not null,
    raw_id          bigint  not null,
    batch_id        bigint  not null references etl_files (file_id),
    source_file     text    collate "C" not null,
    record_number   bigint  not null,
    reason_code     text    collate "C" not null,
    field           text    collate "C",
    message         text    collate "C" not null,
    record_key      text    collate "C",
    raw_text        text    collate "C" not null,
    rejected_at     timestamptz not null,
    primary key (source, raw_id)
);

insert into rejected_records (
    source, raw_id, batch_id, source_file, record_number, reason_code, field, message,
    record_key, raw_text, rejected_at
)
select
    'transactions', raw_id, batch_id, source_file, record_number, reason_code, field,
    message, transaction_id, raw_text, rejected_at
from rejected_transactions;

drop table rejected_transactions;

-- 4. surrogate keys are given by the transform's SQL, not by the engine
alter table dim_users alter column user_key drop identity if exists;

alter table dim_products alter column product_key drop identity if exists;

alter table fact_orders alter column order_key drop identity if exists;
