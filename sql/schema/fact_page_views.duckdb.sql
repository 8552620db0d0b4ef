-- fact_page_views (DuckDB dialect): page-view fact, factless (grain: as in fact_page_views.sql)
-- keys, load: as in fact_page_views.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an index for each (memory and
--       insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead.
create table if not exists fact_page_views (
    page_view_key           bigint primary key,
    event_id                text    not null unique,
    visitor_key             bigint not null,
    user_key                bigint not null,
    date_key                bigint not null,
    page_type_key           bigint not null,
    product_key             bigint not null,
    session_scope           text    not null,
    session_id              text,
    view_number             bigint check (view_number >= 1),
    time_on_page_seconds    bigint check (time_on_page_seconds >= 0),
    viewed_at               text    not null,
    viewed_at_us            bigint not null,
    page_path               text    not null,
    ref_domain              text,
    utm_source              text,
    utm_medium              text,
    utm_campaign            text,
    order_id                text,
    batch_id                bigint not null,
    loaded_at               text    not null
);
