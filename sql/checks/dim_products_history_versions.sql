-- dim_products_history_versions: a product's versions never overlap, and at most one is current
-- severity: error
-- grain of failing rows: one row per pair of overlapping versions, or per product with
--   more than one current version
-- reads: dim_products_history (its (product_id, valid_from) index)
-- An overlap would join an order line to two versions and count it twice.
select
    earlier.product_id,
    earlier.product_version_key,
    later.product_version_key as overlapping_key,
    'overlap' as problem
from dim_products_history as earlier
inner join dim_products_history as later
    on later.product_id = earlier.product_id
   and later.product_version_key <> earlier.product_version_key
   and later.valid_from >= earlier.valid_from
   and later.valid_from < earlier.valid_to
where not (later.valid_from = earlier.valid_from
           and later.product_version_key < earlier.product_version_key)
union all
select product_id, min(product_version_key), max(product_version_key), 'two current versions'
from dim_products_history
where is_current = 1
group by product_id
having count(*) > 1
