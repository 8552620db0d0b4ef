-- silver_page_views (PostgreSQL dialect): clean, typed page views with the rules applied (grain: as in silver_page_views.sql)
-- keys and load: as schema/silver_page_views.sql (same columns, same order).
-- Why a twin: bigint ids and epoch, timestamptz, date, and text compared byte-wise
-- (collate "C"), as on SQLite.
create table if not exists silver_page_views (
    raw_id              bigint  primary key,
    batch_id            bigint  not null references etl_files (file_id),
    event_id            text    collate "C" not null,
    event_id_derived    integer not null check (event_id_derived in (0, 1)),
    event_ts            timestamptz not null,
    event_date          date    not null,
    date_key            integer not null,
    event_epoch_us      bigint  not null,
    visitor_id          text    collate "C" not null,
    anonymous_id        text    collate "C",
    user_id             text    collate "C",
    session_id          text    collate "C",
    page_host           text    collate "C" not null,
    page_path           text    collate "C" not null,
    page_type           text    collate "C" not null,
    product_id          text    collate "C",
    order_id            text    collate "C",
    ref_domain          text    collate "C",
    utm_source          text    collate "C",
    utm_medium          text    collate "C",
    utm_campaign        text    collate "C",
    is_bot              integer not null check (is_bot in (0, 1))
);
