-- fact_page_views (PostgreSQL dialect): page-view fact, factless (grain: as in fact_page_views.sql)
-- keys, measures and load: as schema/fact_page_views.sql (same columns, same order).
-- Why a twin: bigint keys and epoch, timestamptz, and text compared byte-wise (collate "C").
create table if not exists fact_page_views (
    page_view_key           bigint  primary key,
    event_id                text    collate "C" not null unique,
    visitor_key             bigint  not null references dim_visitors (visitor_key),
    user_key                bigint  not null references dim_users (user_key),
    date_key                integer not null references dim_date (date_key),
    page_type_key           bigint  not null references dim_page_type (page_type_key),
    product_key             bigint  not null references dim_products (product_key),
    session_scope           text    collate "C" not null,
    session_id              text    collate "C",
    view_number             integer check (view_number >= 1),
    time_on_page_seconds    bigint  check (time_on_page_seconds >= 0),
    viewed_at               timestamptz not null,
    viewed_at_us            bigint  not null,
    page_path               text    collate "C" not null,
    ref_domain              text    collate "C",
    utm_source              text    collate "C",
    utm_medium              text    collate "C",
    utm_campaign            text    collate "C",
    order_id                text    collate "C",
    batch_id                bigint  not null references etl_files (file_id),
    loaded_at               timestamptz not null
);
