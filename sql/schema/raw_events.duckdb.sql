-- raw_events (DuckDB dialect): Bronze + staging of page views, one row per input record (grain: as in raw_events.sql)
-- keys, load: as in raw_events.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds; no partial indexes in DuckDB: the index is left out (the ingest, under
--       the run lock, keeps what it guarded; hash joins serve the lookups).
create table if not exists raw_events (
    raw_id              bigint primary key,
    batch_id            bigint not null references etl_files (file_id),
    source_file         text    not null,
    record_number       bigint not null,
    raw_text            text    not null,
    record_hash         text,
    load_status         text    not null
                        check (load_status = 'loaded' or load_status = 'duplicate'
                               or load_status = 'rejected'),
    reject_reason       text,
    reject_field        text,
    reject_message      text,
    event_id            text,
    event_id_derived    bigint check (event_id_derived = 0 or event_id_derived = 1),
    event_ts            text,
    event_date          text,
    date_key            bigint,
    event_epoch_us      bigint,
    page_url            text,
    page_host           text,
    page_path           text,
    utm_source          text,
    utm_medium          text,
    utm_campaign        text,
    query_order_id      text,
    anonymous_id        text,
    user_id             text,
    session_id          text,
    referrer            text,
    referrer_host       text,
    ip                  text,
    user_agent          text,
    loaded_at           text    not null
);
