-- dim_products: SCD type 1 upsert (grain: one row per product_id)
-- keys: product_key surrogate, given on first insert and never changed; product_id natural key
-- reads: silver_products_latest, for the products named by lines staged in this run
--        (raw_id in (:from_raw_id, :to_raw_id])
-- A changed attribute (name, category, list price) overwrites the old value in place;
-- a row whose attributes did not change is not touched, so updated_at stays.
insert into dim_products (product_id, product_name, category, list_price_cents, is_inferred, created_at, updated_at)
select
    latest_product.product_id,
    latest_product.product_name,
    latest_product.category,
    latest_product.list_price_cents,
    latest_product.is_inferred,
    :now,
    :now
from silver_products_latest as latest_product
where latest_product.product_id in (
    select staged.product_id
    from silver_transactions as staged
    where staged.raw_id > :from_raw_id
      and staged.raw_id <= :to_raw_id
)
on conflict (product_id) do update set
    product_name = excluded.product_name,
    category = excluded.category,
    list_price_cents = excluded.list_price_cents,
    is_inferred = excluded.is_inferred,
    updated_at = excluded.updated_at
where dim_products.product_name is distinct from excluded.product_name
   or dim_products.category is distinct from excluded.category
   or dim_products.list_price_cents is distinct from excluded.list_price_cents
   or dim_products.is_inferred is distinct from excluded.is_inferred
