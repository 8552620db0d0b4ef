-- 0002_sources: from the schema of release 0.1.0 (version 1) to many input kinds (version 2)
-- Runs in the transaction that opens the warehouse for a run (model/schema.py): all of it
-- or nothing. Every row is kept; only where some of them live changes. (The unknown date,
-- date_key -1, comes from sql/schema/dim_unknown_members.sql, which runs after it.)

-- 1. the file registry says which input kind each file is (release 0.1.0 knew order lines only)
alter table etl_files add column source text not null default 'transactions';

-- 2. a watermark per input kind: one row per transform run, from etl_runs' single column
create table etl_watermarks (
    run_id          integer not null references etl_runs (run_id),
    source          text    not null,
    from_raw_id     integer not null,
    through_raw_id  integer not null,
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
    source          text    not null,
    raw_id          integer not null,
    batch_id        integer not null references etl_files (file_id),
    source_file     text    not null,
    record_number   integer not null,
    reason_code     text    not null,
    field           text,
    message         text    not null,
    record_key      text,
    raw_text        text    not null,
    rejected_at     text    not null,
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
