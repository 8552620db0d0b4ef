-- raw_events (PostgreSQL dialect): Bronze + staging of page views (grain: as in raw_events.sql)
-- keys: raw_id surrogate PK, given by the ingest in load order (as on SQLite); batch_id
--       names an etl_files row (audited by checks/raw_events_counts_reconcile.sql, not
--       declared, as for raw_transactions); event_id unique among loaded rows
-- load: as schema/raw_events.sql (same columns, same order); rows arrive by COPY.
--       Why a twin: PostgreSQL types: bigint ids and epoch, timestamptz, date, and text
--       compared byte-wise (collate "C"), as on SQLite.
create table if not exists raw_events (
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
    event_id            text    collate "C",
    event_id_derived    integer check (event_id_derived in (0, 1)),
    event_ts            timestamptz,
    event_date          date,
    date_key            integer,
    event_epoch_us      bigint,
    page_url            text    collate "C",
    page_host           text    collate "C",
    page_path           text    collate "C",
    utm_source          text    collate "C",
    utm_medium          text    collate "C",
    utm_campaign        text    collate "C",
    query_order_id      text    collate "C",
    anonymous_id        text    collate "C",
    user_id             text    collate "C",
    session_id          text    collate "C",
    referrer            text    collate "C",
    referrer_host       text    collate "C",
    ip                  text    collate "C",
    user_agent          text    collate "C",
    loaded_at           timestamptz not null
);

create index if not exists raw_events_loaded_event_id
    on raw_events (event_id)
    where load_status = 'loaded';
