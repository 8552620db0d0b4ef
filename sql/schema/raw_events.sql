-- raw_events: Bronze + staging of page views, one row per input record (grain: one row per input record: file, record_number)
-- keys: raw_id surrogate PK, given by the ingest in load order (a file's records get the
--       ids after the highest in raw_events, in file order: the transform watermark);
--       batch_id references etl_files; event_id unique among rows whose load_status =
--       'loaded' (ensured by sql/ingest/mark_later_event_copies.sql; the partial index
--       serves that check)
-- load: `warehouse ingest` appends every record exactly as received (raw_text), valid or
--       not; the typed columns are filled for records that passed the contract
--       (docs/EVENTS.md): event_ts in UTC (YYYY-MM-DDTHH:MM:SS.ffffffZ), event_date its
--       UTC date, event_epoch_us the same instant in microseconds since 1970 (gaps and
--       durations in integer arithmetic, the same on every engine); the page URL split
--       into host, path and the query parameters the model reads; the referrer's host.
--       event_id is the record's own, or (event_id_derived = 1) 'derived-' and the
--       digest of its canonical JSON, so an identical copy of an id-less event is a
--       duplicate too. load_status, record_hash and reject_* as in raw_transactions.
create table if not exists raw_events (
    raw_id              integer primary key,
    batch_id            integer not null references etl_files (file_id),
    source_file         text    not null,
    record_number       integer not null,
    raw_text            text    not null,
    record_hash         text,
    load_status         text    not null
                        check (load_status = 'loaded' or load_status = 'duplicate'
                               or load_status = 'rejected'),
    reject_reason       text,
    reject_field        text,
    reject_message      text,
    event_id            text,
    event_id_derived    integer check (event_id_derived = 0 or event_id_derived = 1),
    event_ts            text,
    event_date          text,
    date_key            integer,
    event_epoch_us      integer,
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

create index if not exists raw_events_loaded_event_id
    on raw_events (event_id)
    where load_status = 'loaded';
