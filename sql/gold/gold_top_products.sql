-- gold_top_products: product ranking by net revenue (grain: one row per product)
-- keys: product_id; revenue_rank 1 = highest net revenue (ties share a rank)
-- reads: fact_orders, dim_products
-- units and net_revenue_cents count completed lines only.
create view gold_top_products as
with product_sales as (
    select
        product.product_id,
        product.product_name,
        product.category,
        sum(case when sale.status = 'completed' then sale.quantity else 0 end) as units,
        sum(case when sale.status = 'completed' then sale.total_amount_cents else 0 end)
            as net_revenue_cents
    from fact_orders as sale
    inner join dim_products as product
        on product.product_key = sale.product_key
    group by product.product_id, product.product_name, product.category
)

select
    product_id,
    product_name,
    category,
    units,
    net_revenue_cents,
    rank() over (order by net_revenue_cents desc) as revenue_rank,
    net_revenue_cents / 100.0 as net_revenue
from product_sales
