-- silver_page_views (DuckDB dialect): clean, typed page views with the rules applied (grain: as in silver_page_views.sql)
-- keys, load: as in silver_page_views.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an index for each (memory and
--       insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead; raw_id is unique by construction (each file takes the ids after the
--       highest, under the run lock) and declared as no key: a key on every Bronze row cost a
--       third of the insert and its index most of the memory.
create table if not exists silver_page_views (
    raw_id              bigint not null,
    batch_id            bigint not null,
    event_id            text    not null,
    event_id_derived    bigint not null check (event_id_derived = 0 or event_id_derived = 1),
    event_ts            text    not null,
    event_date          text    not null,
    date_key            bigint not null,
    event_epoch_us      bigint not null,
    visitor_id          text    not null,
    anonymous_id        text,
    user_id             text,
    session_id          text,
    page_host           text    not null,
    page_path           text    not null,
    page_type           text    not null,
    product_id          text,
    order_id            text,
    ref_domain          text,
    utm_source          text,
    utm_medium          text,
    utm_campaign        text,
    is_bot              bigint not null check (is_bot = 0 or is_bot = 1)
);
