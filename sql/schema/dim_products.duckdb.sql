-- dim_products (DuckDB dialect): product dimension, SCD type 1 (grain: as in dim_products.sql)
-- keys, load: as in dim_products.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds.
create table if not exists dim_products (
    product_key               bigint primary key,
    product_id                text    not null unique,
    product_name              text,
    category                  text,
    list_price_cents          bigint check (list_price_cents >= 0),
    is_inferred               bigint not null default 0 check (is_inferred in (0, 1)),
    product_name_version      text,
    category_version          text,
    list_price_cents_version  text,
    created_at                text    not null,
    updated_at                text    not null
);
