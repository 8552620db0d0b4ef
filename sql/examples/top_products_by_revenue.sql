-- Question: which products bring in the most money?
-- Grain: one row per product among the ten highest by completed revenue
--        (ties share a rank, so a tie at rank 10 can return more than ten rows).
-- Reads: fact_orders, dim_products.
-- Revenue counts completed lines only; money is in integer cents, with a decimal
-- display column beside it.
with completed_line as (
    select
        sale.product_key,
        sale.order_id,
        sale.quantity,
        sale.total_amount_cents
    from fact_orders as sale
    where sale.status = 'completed'
),

product_revenue as (
    select
        product.product_id,
        product.product_name,
        product.category,
        count(distinct line.order_id) as orders,
        sum(line.quantity) as units,
        sum(line.total_amount_cents) as revenue_cents
    from completed_line as line
    inner join dim_products as product
        on product.product_key = line.product_key
    group by product.product_id, product.product_name, product.category
),

ranked_product as (
    select
        rank() over (order by revenue_cents desc) as revenue_rank,
        product_id,
        product_name,
        category,
        orders,
        units,
        revenue_cents
    from product_revenue
)

select
    revenue_rank,
    product_id,
    product_name,
    category,
    orders,
    units,
    revenue_cents,
    revenue_cents / 100.0 as revenue
from ranked_product
where revenue_rank <= 10
order by revenue_rank, product_id;
