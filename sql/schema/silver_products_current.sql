-- silver_products_current: the products table as its change events leave it (grain: one row per product_id)
-- keys: product_id PK (the source row's key)
-- load: sql/transform/silver_products_current.sql, the same merge as silver_orders_current
--       (newest event by source ts_ms, then position, wins; a discontinued product is a
--       tombstone, is_deleted = 1). Its history, version by version, is dim_products_history.
create table if not exists silver_products_current (
    product_id          text    primary key,
    product_name        text,
    category            text,
    unit_price_cents    integer check (unit_price_cents >= 0),
    is_deleted          integer not null check (is_deleted = 0 or is_deleted = 1),
    version_ts_ms       integer not null,
    version_position    integer not null
);
