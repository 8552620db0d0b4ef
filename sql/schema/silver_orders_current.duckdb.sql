-- silver_orders_current (DuckDB dialect): the orders table as its change events leave it (grain: as in silver_orders_current.sql)
-- keys, load: as in silver_orders_current.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds.
create table if not exists silver_orders_current (
    order_id            text    primary key,
    user_id             text,
    status              text,
    created_at          text,
    created_us          bigint,
    created_date_key    bigint,
    updated_at          text,
    updated_us          bigint,
    is_deleted          bigint not null check (is_deleted = 0 or is_deleted = 1),
    version_ts_ms       bigint not null,
    version_position    bigint not null
);
