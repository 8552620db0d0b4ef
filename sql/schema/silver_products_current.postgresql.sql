-- silver_products_current (PostgreSQL dialect): the products table as its change events leave it (grain: as in silver_products_current.sql)
-- keys, load: as schema/silver_products_current.sql (same columns, same order).
-- Why a twin: PostgreSQL types: bigint keys, cents and epochs, timestamptz, double
--       precision, and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists silver_products_current (
    product_id          text collate "C" primary key,
    product_name        text collate "C",
    category            text collate "C",
    unit_price_cents    bigint check (unit_price_cents >= 0),
    is_deleted          integer not null check (is_deleted in (0, 1)),
    version_ts_ms       bigint not null,
    version_position    bigint not null
);
