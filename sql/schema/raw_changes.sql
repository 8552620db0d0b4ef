-- raw_changes: Bronze + staging of change events (Debezium), one row per input record (grain: one row per input record: file, record_number)
-- keys: raw_id surrogate PK, given by the ingest in load order (a file's records get the
--       ids after the highest in raw_changes, in file order: the transform watermark);
--       batch_id references etl_files; an event's identity (table_name, row_key,
--       source_ts_ms, source_position) unique among rows whose load_status = 'loaded'
--       (ensured by sql/ingest/mark_later_change_copies.sql: a replayed event is a counted
--       duplicate), looked up by the index raw_changes_loaded_row; raw_changes_received
--       shows it as the text change_id ('<table>/<row key>/<source ts_ms>/<position>'),
--       which is not stored: 58 bytes a row and an index of its own (docs/BENCHMARKS.md)
-- load: `warehouse ingest` appends every record exactly as received (raw_text), valid or
--       not, except that a record of the exact shape {"schema":<S>,"payload":<P>} whose
--       schema S is stored once in raw_change_schemas keeps P's text and S's key
--       (schema_key; the view raw_changes_received rebuilds the received text); the typed columns are filled for records that passed the contract
--       (docs/CHANGES.md): the envelope (table_name, op c/u/d/r, row_key, source_ts_ms and
--       source_position, the order of truth; change_ts its UTC time), and the row image's
--       columns of the event's table (the after image; a delete's before image). Money in
--       integer cents (Debezium's precise decimals decoded exactly); times as UTC text
--       and as epoch microseconds (*_us, for integer arithmetic on every engine).
--       known_table = 0: a table the warehouse does not model, kept and reported, never merged.
create table if not exists raw_changes (
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
    table_name          text,
    known_table         integer check (known_table = 0 or known_table = 1),
    op                  text    check (op = 'c' or op = 'u' or op = 'd' or op = 'r'),
    row_key             text,
    source_ts_ms        integer,
    source_position     integer,
    change_ts           text,
    change_date         text,
    date_key            integer,
    order_id            text,
    user_id             text,
    order_status        text,
    order_created_at    text,
    order_created_us    integer,
    order_created_date_key integer,
    order_updated_at    text,
    order_updated_us    integer,
    order_updated_date_key integer,
    payment_id          text,
    payment_method      text,
    amount_cents        integer check (amount_cents >= 0),
    currency            text,
    payment_status      text,
    payment_created_at  text,
    payment_created_us  integer,
    payment_created_date_key integer,
    shipment_id         text,
    carrier             text,
    shipped_at          text,
    shipped_us          integer,
    shipped_date_key    integer,
    delivered_at        text,
    delivered_us        integer,
    delivered_date_key  integer,
    product_id          text,
    product_name        text,
    category            text,
    unit_price_cents    integer check (unit_price_cents >= 0),
    loaded_at           text    not null,
    schema_key          text
);

-- the merge and the lifecycle read one row's events in event-time order; the ingest's
-- duplicate check and raw_changes_one_loaded_copy find an event's other copies by it
create index if not exists raw_changes_loaded_row
    on raw_changes (table_name, row_key, source_ts_ms, source_position)
    where load_status = 'loaded';
