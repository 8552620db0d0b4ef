-- Question: how much net revenue did each category bring: by the category its products
--           have now (SCD type 1, dim_products) and by the category they had when sold
--           (SCD type 2, the version of dim_products_history valid at the order time)?
-- Grain: one row per category, under either rule.
-- Reads: fact_orders (completed lines), dim_products, dim_products_history.
-- A product that changed category moves all its past revenue in the type 1 column; the
-- type 2 column keeps each line where it was sold. A line sold when the product had no
-- version yet (no change event had named it) counts as '(no version)'.
with sold_line as (
    select
        sale.total_amount_cents,
        product_now.category as category_now,
        coalesce(product_then.category, '(no version)') as category_when_sold
    from fact_orders as sale
    inner join dim_products as product_now
        on product_now.product_key = sale.product_key
    left join dim_products_history as product_then
        on product_then.product_id = product_now.product_id
       and product_then.valid_from <= sale.order_timestamp
       and sale.order_timestamp < product_then.valid_to
    where sale.status = 'completed'
),

by_category_now as (
    select category_now as category, sum(total_amount_cents) as revenue_cents
    from sold_line
    group by category_now
),

by_category_when_sold as (
    select category_when_sold as category, sum(total_amount_cents) as revenue_cents
    from sold_line
    group by category_when_sold
),

category as (
    select category from by_category_now
    union
    select category from by_category_when_sold
)

select
    category.category,
    coalesce(by_category_now.revenue_cents, 0) as revenue_now_cents,
    coalesce(by_category_when_sold.revenue_cents, 0) as revenue_when_sold_cents,
    coalesce(by_category_now.revenue_cents, 0) - coalesce(by_category_when_sold.revenue_cents, 0)
        as moved_cents
from category
left join by_category_now
    on by_category_now.category = category.category
left join by_category_when_sold
    on by_category_when_sold.category = category.category
order by category.category;
