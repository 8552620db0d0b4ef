-- Question: which categories get refunded (or cancelled) most often?
-- Grain: one row per product category (the product's current category, SCD1).
-- Reads: fact_orders, dim_products.
-- Rates are per order line (0..1); refunded_cents is the money of the refunded lines.
with category_line as (
    select
        product.category,
        sale.status,
        sale.total_amount_cents
    from fact_orders as sale
    inner join dim_products as product
        on product.product_key = sale.product_key
),

category_status as (
    select
        category,
        count(*) as lines,
        sum(case when status = 'refunded' then 1 else 0 end) as refunded_lines,
        sum(case when status = 'cancelled' then 1 else 0 end) as cancelled_lines,
        sum(case when status = 'refunded' then total_amount_cents else 0 end) as refunded_cents
    from category_line
    group by category
)

select
    category,
    lines,
    refunded_lines,
    round(1.0 * refunded_lines / lines, 4) as refund_rate,
    cancelled_lines,
    round(1.0 * cancelled_lines / lines, 4) as cancel_rate,
    refunded_cents,
    refunded_cents / 100.0 as refunded
from category_status
order by refund_rate desc, category;
