-- silver_orders_current (PostgreSQL dialect): the orders table as its change events leave it (grain: as in silver_orders_current.sql)
-- keys, load: as schema/silver_orders_current.sql (same columns, same order).
-- Why a twin: PostgreSQL types: bigint keys, cents and epochs, timestamptz, double
--       precision, and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists silver_orders_current (
    order_id            text collate "C" primary key,
    user_id             text collate "C",
    status              text collate "C",
    created_at          timestamptz,
    created_us          bigint,
    created_date_key    integer,
    updated_at          timestamptz,
    updated_us          bigint,
    is_deleted          integer not null check (is_deleted in (0, 1)),
    version_ts_ms       bigint not null,
    version_position    bigint not null
);
