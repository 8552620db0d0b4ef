-- silver_products_latest: current snapshot of every product (grain: one row per product_id)
-- keys: product_id
-- reads: silver_transactions
-- Rule (SCD1 source): each attribute takes its value from the newest snapshot
-- (latest event_ts, ties broken by the greatest transaction_id) in which it is not
-- null. A product seen only by id is inferred (is_inferred = 1).
create view silver_products_latest as
with product_snapshot as (
    select
        product_id,
        event_ts,
        transaction_id,
        product_name,
        product_category,
        product_unit_price_cents
    from silver_transactions
),

latest_attribute as (
    select
        product_id,
        first_value(product_name) over (
            partition by product_id
            order by product_name is null, event_ts desc, transaction_id desc
        ) as product_name,
        first_value(product_category) over (
            partition by product_id
            order by product_category is null, event_ts desc, transaction_id desc
        ) as category,
        first_value(product_unit_price_cents) over (
            partition by product_id
            order by product_unit_price_cents is null, event_ts desc, transaction_id desc
        ) as list_price_cents
    from product_snapshot
)

select distinct
    product_id,
    product_name,
    category,
    list_price_cents,
    case when product_name is null and category is null and list_price_cents is null
         then 1 else 0 end as is_inferred
from latest_attribute
