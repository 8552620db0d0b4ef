-- dim_products_history: SCD type 2 merge (grain: one row per product_id and version)
-- keys: product_version_key surrogate, given on first insert and kept while the version
--       exists: a new version takes the next key after the highest so far, in product_id
--       and valid_from order (the same on every engine); (product_id, version_ts_ms,
--       version_position) natural key
-- reads: stage_product_versions (every version of the products this run's events named)
-- A version the stage no longer has (a late event showed it changed nothing) is removed;
-- the others are inserted or brought up to date (valid_to, is_current).
delete from dim_products_history
where product_id in (select product_id from stage_product_versions)
  and not exists (
      select 1
      from stage_product_versions as staged
      where staged.product_id = dim_products_history.product_id
        and staged.version_ts_ms = dim_products_history.version_ts_ms
        and staged.version_position = dim_products_history.version_position
  );

insert into dim_products_history (
    product_version_key, product_id, version_ts_ms, version_position, valid_from, valid_to,
    is_current, product_name, category, unit_price_cents, updated_at
)
select
    coalesce(
        known.product_version_key,
        (select coalesce(max(product_version_key), 0) from dim_products_history)
        + row_number() over (
            partition by known.product_version_key is null
            order by staged.product_id, staged.version_ts_ms, staged.version_position
        )
    ),
    staged.product_id,
    staged.version_ts_ms,
    staged.version_position,
    staged.valid_from,
    staged.valid_to,
    staged.is_current,
    staged.product_name,
    staged.category,
    staged.unit_price_cents,
    :now
from stage_product_versions as staged
left join dim_products_history as known
    on known.product_id = staged.product_id
   and known.version_ts_ms = staged.version_ts_ms
   and known.version_position = staged.version_position
where true
on conflict (product_id, version_ts_ms, version_position) do update set
    valid_to = excluded.valid_to,
    is_current = excluded.is_current,
    updated_at = excluded.updated_at
where dim_products_history.valid_to <> excluded.valid_to
   or dim_products_history.is_current <> excluded.is_current
