-- dim_products_from_page_views: inferred members of dim_products for products viewed before any order line named them (grain: one row per product_id)
-- keys: product_key as sql/transform/dim_products.sql gives it: the next keys after the
--       highest, in product_id order
-- reads: silver_page_views (the run's product pages, bots left out), dim_products
-- As dim_users_from_page_views.sql: an inferred member (is_inferred = 1), filled in by the
-- first order line that sells it.
insert into dim_products (product_key, product_id, is_inferred, created_at, updated_at)
select
    (select coalesce(max(product_key), 0) from dim_products where product_key > 0)
        + row_number() over (order by seen.product_id) as product_key,
    seen.product_id,
    1 as is_inferred,
    :now as created_at,
    :now as updated_at
from (
    select distinct product_id
    from silver_page_views
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and product_id is not null
      and is_bot = 0
) as seen
where not exists (
    select 1
    from dim_products as known
    where known.product_id = seen.product_id
)
