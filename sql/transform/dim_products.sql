-- dim_products: SCD type 1 merge (grain: one row per product_id)
-- keys: product_key surrogate, given on first insert and never changed: a new product takes
--       the next key after the highest so far, in product_id order (the same on every
--       engine; real products from 1); product_id natural key
-- reads: silver_transactions, the lines staged in this run (raw_id in (:from_raw_id, :to_raw_id]),
--        and raw_transactions to look up the line each newest value came from
-- Rule: each attribute (name, category, list price) takes its value from the newest
-- snapshot in which it is not null (newest = greatest '<event_ts> <transaction_id>', its
-- *_version), whatever order batches arrive in. A row with no newer value is not touched.
insert into dim_products (
    product_key, product_id, product_name, category, list_price_cents, is_inferred,
    product_name_version, category_version, list_price_cents_version, created_at, updated_at
)
with staged_snapshot as (
    select
        product_id,
        snapshot_version as version,
        product_name,
        product_category,
        product_unit_price_cents
    from silver_transactions
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
),

newest_version as (
    select
        product_id,
        max(case when product_name is not null then version end) as product_name_version,
        max(case when product_category is not null then version end) as category_version,
        max(case when product_unit_price_cents is not null then version end) as list_price_cents_version
    from staged_snapshot
    group by product_id
),

newest_attribute as (
    -- a version is '<event_ts> <transaction_id>' and event_ts is 27 characters wide,
    -- so the transaction_id starts at character 29: look the value up in that line
    select
        newest_version.product_id,
        (
            select snapshot.product_name
            from raw_transactions as snapshot
            where snapshot.transaction_id = substr(newest_version.product_name_version, 29)
              and snapshot.load_status = 'loaded'
        ) as product_name,
        (
            select snapshot.product_category
            from raw_transactions as snapshot
            where snapshot.transaction_id = substr(newest_version.category_version, 29)
              and snapshot.load_status = 'loaded'
        ) as category,
        (
            select snapshot.product_unit_price_cents
            from raw_transactions as snapshot
            where snapshot.transaction_id = substr(newest_version.list_price_cents_version, 29)
              and snapshot.load_status = 'loaded'
        ) as list_price_cents,
        newest_version.product_name_version,
        newest_version.category_version,
        newest_version.list_price_cents_version
    from newest_version
),

keyed_product as (
    -- a product already in the dimension keeps its key (the merge below never changes it)
    select
        coalesce(
            known.product_key,
            (select coalesce(max(product_key), 0) from dim_products where product_key > 0)
            + row_number() over (
                partition by known.product_key is null
                order by newest_attribute.product_id
            )
        ) as product_key,
        newest_attribute.product_id,
        newest_attribute.product_name,
        newest_attribute.category,
        newest_attribute.list_price_cents,
        newest_attribute.product_name_version,
        newest_attribute.category_version,
        newest_attribute.list_price_cents_version
    from newest_attribute
    left join dim_products as known
        on known.product_id = newest_attribute.product_id
)

select
    product_key,
    product_id,
    product_name,
    category,
    list_price_cents,
    case when product_name is null and category is null and list_price_cents is null
         then 1 else 0 end as is_inferred,
    product_name_version,
    category_version,
    list_price_cents_version,
    :now as created_at,
    :now as updated_at
from keyed_product
where true
on conflict (product_id) do update set
    product_name = case
        when excluded.product_name_version > coalesce(dim_products.product_name_version, '')
        then excluded.product_name else dim_products.product_name end,
    product_name_version = case
        when excluded.product_name_version > coalesce(dim_products.product_name_version, '')
        then excluded.product_name_version else dim_products.product_name_version end,
    category = case
        when excluded.category_version > coalesce(dim_products.category_version, '')
        then excluded.category else dim_products.category end,
    category_version = case
        when excluded.category_version > coalesce(dim_products.category_version, '')
        then excluded.category_version else dim_products.category_version end,
    list_price_cents = case
        when excluded.list_price_cents_version > coalesce(dim_products.list_price_cents_version, '')
        then excluded.list_price_cents else dim_products.list_price_cents end,
    list_price_cents_version = case
        when excluded.list_price_cents_version > coalesce(dim_products.list_price_cents_version, '')
        then excluded.list_price_cents_version else dim_products.list_price_cents_version end,
    is_inferred = case when dim_products.is_inferred = 1 and excluded.is_inferred = 1
                       then 1 else 0 end,
    updated_at = excluded.updated_at
where excluded.product_name_version > coalesce(dim_products.product_name_version, '')
   or excluded.category_version > coalesce(dim_products.category_version, '')
   or excluded.list_price_cents_version > coalesce(dim_products.list_price_cents_version, '')
