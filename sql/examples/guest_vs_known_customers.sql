-- Question: how much of the business comes from guest checkouts rather than known customers?
-- Grain: one row per customer type ('guest', 'known').
-- Reads: fact_orders (guest lines point at the unknown member, user_key -1).
-- Completed lines only; the shares are 0..1 and add up to 1 over both rows.
with typed_line as (
    select
        case when sale.user_key = -1 then 'guest' else 'known' end as customer_type,
        sale.user_key,
        sale.order_id,
        sale.total_amount_cents
    from fact_orders as sale
    where sale.status = 'completed'
),

customer_type_sales as (
    select
        customer_type,
        count(distinct order_id) as orders,
        count(*) as lines,
        sum(total_amount_cents) as revenue_cents
    from typed_line
    group by customer_type
)

select
    customer_type,
    orders,
    lines,
    revenue_cents,
    revenue_cents / 100.0 as revenue,
    round(1.0 * orders / sum(orders) over (), 4) as share_of_orders,
    round(1.0 * revenue_cents / sum(revenue_cents) over (), 4) as share_of_revenue
from customer_type_sales
order by customer_type;
