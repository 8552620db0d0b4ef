-- fact_sessions (DuckDB dialect): session fact (grain: as in fact_sessions.sql)
-- keys, load: as in fact_sessions.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an index for each (memory and
--       insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead.
create table if not exists fact_sessions (
    session_key             bigint primary key,
    session_id              text    not null unique,
    session_id_derived      bigint not null check (session_id_derived = 0 or session_id_derived = 1),
    session_scope           text    not null,
    visitor_key             bigint not null,
    user_key                bigint not null,
    is_logged_in            bigint not null check (is_logged_in = 0 or is_logged_in = 1),
    date_key                bigint not null,
    channel_key             bigint not null,
    landing_page_type_key   bigint not null,
    exit_page_type_key      bigint not null,
    started_at              text    not null,
    ended_at                text    not null,
    started_at_us           bigint not null,
    ended_at_us             bigint not null,
    duration_seconds        bigint not null check (duration_seconds >= 0),
    page_views              bigint not null check (page_views >= 1),
    landing_page_path       text    not null,
    exit_page_path          text    not null,
    ref_domain              text,
    utm_source              text,
    utm_medium              text,
    utm_campaign            text,
    reached_product_view    bigint not null check (reached_product_view = 0 or reached_product_view = 1),
    reached_cart            bigint not null check (reached_cart = 0 or reached_cart = 1),
    reached_checkout        bigint not null check (reached_checkout = 0 or reached_checkout = 1),
    reached_purchase        bigint not null check (reached_purchase = 0 or reached_purchase = 1),
    order_id                text,
    revenue_cents           bigint not null check (revenue_cents >= 0),
    is_bounce               bigint not null check (is_bounce = 0 or is_bounce = 1)
);
