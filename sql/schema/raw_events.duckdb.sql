-- raw_events (DuckDB dialect): Bronze + staging of page views, one row per input record (grain: as in raw_events.sql)
-- keys, load: as in raw_events.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no partial indexes in DuckDB: the index is left out (the
--       ingest, under the run lock, keeps what it guarded; hash joins serve the lookups); no
--       foreign keys: DuckDB builds an index for each (memory and insert time a columnar load
--       should not pay); sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key
--       checks run in every transform instead; raw_id is unique by construction (each file
--       takes the ids after the highest, under the run lock) and declared as no key: a key on
--       every Bronze row cost a third of the insert and its index most of the memory.
create table if not exists raw_events (
    raw_id              bigint not null,
    batch_id            bigint not null,
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
