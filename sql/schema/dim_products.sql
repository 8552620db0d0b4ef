-- dim_products: product dimension, SCD type 1 (grain: one row per product_id)
-- keys: product_key surrogate PK, given by sql/transform/dim_products.sql (real members
--       from 1, in product_id order within a run) and never changed; product_id natural key, unique.
--       product_key -1 is the reserved unknown member (product_id '').
-- load: sql/transform/dim_products.sql merges each run's snapshots into it.
--       *_version columns record which snapshot each attribute came from
--       ('<event_ts> <transaction_id>'): a value is replaced only by a newer one.
create table if not exists dim_products (
    product_key               integer primary key,
    product_id                text    not null unique,
    product_name              text,
    category                  text,
    list_price_cents          integer check (list_price_cents >= 0),
    is_inferred               integer not null default 0 check (is_inferred in (0, 1)),
    product_name_version      text,
    category_version          text,
    list_price_cents_version  text,
    created_at                text    not null,
    updated_at                text    not null
);
