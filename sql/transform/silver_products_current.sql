-- silver_products_current: merge the run's change events of the products table (grain: one row per product_id)
-- keys: product_id
-- reads: raw_changes (loaded events of table products staged in this run:
--        raw_id in (:from_raw_id, :to_raw_id])
-- Rule: as sql/transform/silver_orders_current.sql (the newest event by source_ts_ms,
-- then source_position, wins; a discontinued product's tombstone stays).
insert into silver_products_current (
    product_id, product_name, category, unit_price_cents, is_deleted, version_ts_ms,
    version_position
)
with staged as (
    select
        row_key,
        product_name,
        category,
        unit_price_cents,
        case when op = 'd' then 1 else 0 end as is_deleted,
        source_ts_ms,
        source_position,
        row_number() over (
            partition by row_key
            order by source_ts_ms desc, source_position desc
        ) as newest_first
    from raw_changes
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and load_status = 'loaded'
      and table_name = 'products'
)

select
    row_key, product_name, category, unit_price_cents, is_deleted, source_ts_ms,
    source_position
from staged
where newest_first = 1
on conflict (product_id) do update set
    product_name = excluded.product_name,
    category = excluded.category,
    unit_price_cents = excluded.unit_price_cents,
    is_deleted = excluded.is_deleted,
    version_ts_ms = excluded.version_ts_ms,
    version_position = excluded.version_position
where excluded.version_ts_ms > silver_products_current.version_ts_ms
   or (excluded.version_ts_ms = silver_products_current.version_ts_ms
       and excluded.version_position > silver_products_current.version_position)
