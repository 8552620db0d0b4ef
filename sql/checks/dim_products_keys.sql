-- dim_products_keys: every product has a surrogate key and a natural key, each unique
-- severity: error
-- grain of failing rows: one row per offending product_key or product_id
-- reads: dim_products
select product_key, product_id, 'duplicate product_id' as problem
from dim_products
where product_id in (
    select product_id from dim_products group by product_id having count(*) > 1
)
union all
select product_key, product_id, 'null key' as problem
from dim_products
where product_key is null or product_id is null
