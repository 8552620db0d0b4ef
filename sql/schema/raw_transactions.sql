-- raw_transactions: Bronze + staging, one row per input record (grain: one row per input record: file, record_number)
-- keys: raw_id surrogate PK, given by the ingest in load order: a file's records get
--       the ids after the highest in Bronze, one each in file order (the transform
--       watermark; a file's rows are one contiguous raw_id range);
--       batch_id references etl_files; (batch_id, record_number) is unique by that
--       construction (no index of its own: on PostgreSQL it was 15% of COPY's server
--       time; sql/checks/etl_files_counts_reconcile.sql recounts each file's rows);
--       transaction_id unique among rows whose load_status = 'loaded' (ensured by
--       sql/ingest/mark_later_copies.sql; the partial index on it serves that check and
--       the dimension merges, which look up the line a newest value came from)
-- load: `warehouse ingest` appends every record exactly as received (raw_text),
--       valid or not. The typed columns are filled for records that passed the
--       contract: money in integer cents, event_ts normalised to UTC
--       (YYYY-MM-DDTHH:MM:SS.ffffffZ), event_date its UTC date.
--       load_status: 'loaded', 'duplicate' (identical copy of a loaded record,
--       skipped) or 'rejected' (see reject_reason / reject_message).
--       record_hash: digest of the record's canonical JSON, to tell identical copies;
--       filled only for records whose transaction_id was loaded more than once
--       (sql/ingest/later_copies.sql finds them), so the common record pays nothing.
create table if not exists raw_transactions (
    raw_id                     integer primary key,
    batch_id                   integer not null references etl_files (file_id),
    source_file                text    not null,
    record_number              integer not null,
    raw_text                   text    not null,
    record_hash                text,
    -- spelt with OR, not IN (...): rows arrive one executemany call at a time, and
    -- SQLite builds the IN list's lookup table afresh for each (2 µs a row, measured)
    load_status                text    not null
                               check (load_status = 'loaded' or load_status = 'duplicate'
                                      or load_status = 'rejected'),
    reject_reason              text,
    reject_field               text,
    reject_message             text,
    transaction_id             text,
    order_id                   text,
    event_ts                   text,
    event_date                 text,
    date_key                   integer,
    quantity                   integer,
    price_cents                integer,
    order_status               text,
    user_id                    text,
    user_name                  text,
    user_email                 text,
    user_registration_date     text,
    product_id                 text,
    product_name               text,
    product_category           text,
    product_unit_price_cents   integer,
    loaded_at                  text    not null
);

create index if not exists raw_transactions_loaded_transaction_id
    on raw_transactions (transaction_id)
    where load_status = 'loaded';
