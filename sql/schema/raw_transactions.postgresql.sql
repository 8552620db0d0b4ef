-- raw_transactions (PostgreSQL dialect): Bronze + staging, one row per input record (grain: as in raw_transactions.sql)
-- keys: raw_id surrogate PK, given by the ingest in load order (as on SQLite: the
--       transform watermark); batch_id names an etl_files row (audited, not declared:
--       see below); (batch_id, record_number) unique by construction, as on SQLite;
--       transaction_id unique among rows whose load_status = 'loaded'
-- load: as schema/raw_transactions.sql (same columns, same order); rows arrive by COPY
--       (ingest/insert_raw_transaction.postgresql.sql). Why a twin: PostgreSQL types:
--       bigint keys and cents, timestamptz for event_ts and loaded_at, date for the
--       dates, text compared byte-wise (collate "C") as SQLite compares it.
create table if not exists raw_transactions (
    raw_id                     bigint  primary key,
    -- no foreign key on PostgreSQL: its per-row check was a third of COPY's server time
    -- (measured); the ingest registers the file and writes its rows in one transaction,
    -- and the check sql/checks/etl_files_counts_reconcile.sql audits that every batch_id names a file
    batch_id                   bigint  not null,
    source_file                text    collate "C" not null,
    record_number              bigint  not null,
    raw_text                   text    collate "C" not null,
    record_hash                text    collate "C",
    load_status                text    collate "C" not null
                               check (load_status in ('loaded', 'duplicate', 'rejected')),
    reject_reason              text    collate "C",
    reject_field               text    collate "C",
    reject_message             text    collate "C",
    transaction_id             text    collate "C",
    order_id                   text    collate "C",
    event_ts                   timestamptz,
    event_date                 date,
    date_key                   integer,
    quantity                   integer,
    price_cents                bigint,
    order_status               text    collate "C",
    user_id                    text    collate "C",
    user_name                  text    collate "C",
    user_email                 text    collate "C",
    user_registration_date     date,
    product_id                 text    collate "C",
    product_name               text    collate "C",
    product_category           text    collate "C",
    product_unit_price_cents   bigint,
    loaded_at                  timestamptz not null
);

create index if not exists raw_transactions_loaded_transaction_id
    on raw_transactions (transaction_id)
    where load_status = 'loaded';
