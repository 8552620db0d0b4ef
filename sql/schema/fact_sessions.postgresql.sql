-- fact_sessions (PostgreSQL dialect): session fact (grain: as in fact_sessions.sql)
-- keys, measures and load: as schema/fact_sessions.sql (same columns, same order).
-- Why a twin: bigint keys, epoch and cents, timestamptz, and text compared byte-wise (collate "C").
create table if not exists fact_sessions (
    session_key             bigint  primary key,
    session_id              text    collate "C" not null unique,
    session_id_derived      integer not null check (session_id_derived in (0, 1)),
    session_scope           text    collate "C" not null,
    visitor_key             bigint  not null references dim_visitors (visitor_key),
    user_key                bigint  not null references dim_users (user_key),
    is_logged_in            integer not null check (is_logged_in in (0, 1)),
    date_key                integer not null references dim_date (date_key),
    channel_key             bigint  not null references dim_channel (channel_key),
    landing_page_type_key   bigint  not null references dim_page_type (page_type_key),
    exit_page_type_key      bigint  not null references dim_page_type (page_type_key),
    started_at              timestamptz not null,
    ended_at                timestamptz not null,
    started_at_us           bigint  not null,
    ended_at_us             bigint  not null,
    duration_seconds        bigint  not null check (duration_seconds >= 0),
    page_views              integer not null check (page_views >= 1),
    landing_page_path       text    collate "C" not null,
    exit_page_path          text    collate "C" not null,
    ref_domain              text    collate "C",
    utm_source              text    collate "C",
    utm_medium              text    collate "C",
    utm_campaign            text    collate "C",
    reached_product_view    integer not null check (reached_product_view in (0, 1)),
    reached_cart            integer not null check (reached_cart in (0, 1)),
    reached_checkout        integer not null check (reached_checkout in (0, 1)),
    reached_purchase        integer not null check (reached_purchase in (0, 1)),
    order_id                text    collate "C",
    revenue_cents           bigint  not null check (revenue_cents >= 0),
    is_bounce               integer not null check (is_bounce in (0, 1))
);

create index if not exists fact_sessions_scope_start
    on fact_sessions (session_scope, started_at_us);

create index if not exists fact_sessions_visitor_key
    on fact_sessions (visitor_key);

create index if not exists fact_sessions_order_id
    on fact_sessions (order_id);
