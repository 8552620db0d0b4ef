-- silver_products_current (DuckDB dialect): the products table as its change events leave it (grain: as in silver_products_current.sql)
-- keys, load: as in silver_products_current.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds.
create table if not exists silver_products_current (
    product_id          text    primary key,
    product_name        text,
    category            text,
    unit_price_cents    bigint check (unit_price_cents >= 0),
    is_deleted          bigint not null check (is_deleted = 0 or is_deleted = 1),
    version_ts_ms       bigint not null,
    version_position    bigint not null
);
