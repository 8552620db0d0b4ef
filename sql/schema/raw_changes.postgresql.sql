-- raw_changes (PostgreSQL dialect): Bronze + staging of change events (grain: as in raw_changes.sql)
-- keys: raw_id surrogate PK, given by the ingest in load order (as on SQLite); batch_id
--       names an etl_files row (audited by checks/raw_changes_counts_reconcile.sql, not
--       declared, as for raw_transactions); an event's identity (table_name, row_key,
--       source_ts_ms, source_position) unique among loaded rows, as on SQLite
-- load: as schema/raw_changes.sql (same columns, same order); rows arrive by COPY.
--       Why a twin: PostgreSQL types: bigint ids, epochs and cents, timestamptz, date, and
--       text compared byte-wise (collate "C"), as on SQLite.
create table if not exists raw_changes (
    raw_id              bigint  primary key,
    batch_id            bigint  not null,
    source_file         text    collate "C" not null,
    record_number       bigint  not null,
    raw_text            text    collate "C" not null,
    record_hash         text    collate "C",
    load_status         text    collate "C" not null
                        check (load_status in ('loaded', 'duplicate', 'rejected')),
    reject_reason       text    collate "C",
    reject_field        text    collate "C",
    reject_message      text    collate "C",
    table_name          text    collate "C",
    known_table         integer check (known_table in (0, 1)),
    op                  text    collate "C" check (op in ('c', 'u', 'd', 'r')),
    row_key             text    collate "C",
    source_ts_ms        bigint,
    source_position     bigint,
    change_ts           timestamptz,
    change_date         date,
    date_key            integer,
    order_id            text    collate "C",
    user_id             text    collate "C",
    order_status        text    collate "C",
    order_created_at    timestamptz,
    order_created_us    bigint,
    order_created_date_key integer,
    order_updated_at    timestamptz,
    order_updated_us    bigint,
    order_updated_date_key integer,
    payment_id          text    collate "C",
    payment_method      text    collate "C",
    amount_cents        bigint  check (amount_cents >= 0),
    currency            text    collate "C",
    payment_status      text    collate "C",
    payment_created_at  timestamptz,
    payment_created_us  bigint,
    payment_created_date_key integer,
    shipment_id         text    collate "C",
    carrier             text    collate "C",
    shipped_at          timestamptz,
    shipped_us          bigint,
    shipped_date_key    integer,
    delivered_at        timestamptz,
    delivered_us        bigint,
    delivered_date_key  integer,
    product_id          text    collate "C",
    product_name        text    collate "C",
    category            text    collate "C",
    unit_price_cents    bigint  check (unit_price_cents >= 0),
    loaded_at           timestamptz not null,
    schema_key          text    collate "C"
);

-- the merge and the lifecycle read one row's events in event-time order; the ingest's
-- duplicate check and raw_changes_one_loaded_copy find an event's other copies by it
create index if not exists raw_changes_loaded_row
    on raw_changes (table_name, row_key, source_ts_ms, source_position)
    where load_status = 'loaded';
