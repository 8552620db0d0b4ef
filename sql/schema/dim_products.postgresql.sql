-- dim_products (PostgreSQL dialect): product dimension, SCD type 1 (grain: as in dim_products.sql)
-- keys: product_key surrogate PK, never changes once given (the merge gives it, as on SQLite); product_id
--       natural key, unique; product_key -1 is the reserved unknown member (product_id '')
-- load: as schema/dim_products.sql (same columns, same order). Why a twin: PostgreSQL
--       types: bigint key and cents, timestamptz, and text compared byte-wise
--       (collate "C") so the *_version columns order exactly as they do on SQLite.
create table if not exists dim_products (
    product_key               bigint  primary key,
    product_id                text    collate "C" not null unique,
    product_name              text    collate "C",
    category                  text    collate "C",
    list_price_cents          bigint  check (list_price_cents >= 0),
    is_inferred               integer not null default 0 check (is_inferred in (0, 1)),
    product_name_version      text    collate "C",
    category_version          text    collate "C",
    list_price_cents_version  text    collate "C",
    created_at                timestamptz not null,
    updated_at                timestamptz not null
);
