-- dim_products: product dimension, SCD type 1 (grain: one row per product_id)
-- keys: product_key surrogate PK, never changes once given; product_id natural key, unique.
--       product_key -1 is the reserved unknown member (product_id '').
-- load: sql/transform/dim_products.sql upserts the latest known attributes
create table if not exists dim_products (
    product_key       integer primary key,
    product_id        text    not null unique,
    product_name      text,
    category          text,
    list_price_cents  integer check (list_price_cents >= 0),
    is_inferred       integer not null default 0 check (is_inferred in (0, 1)),
    created_at        text    not null,
    updated_at        text    not null
);
