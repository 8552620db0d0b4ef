-- gold_category_sales_monthly: completed sales per category and month
-- (grain: one row per month, category)
-- keys: (month, category); month is YYYY-MM (UTC)
-- reads: fact_orders, dim_products, dim_date
-- share_of_month = the category's share of that month's net revenue (0..1).
-- The category is the product's current one (SCD1: history is restated).
create view gold_category_sales_monthly as
with category_month as (
    select
        calendar.year_month as month,
        product.category,
        count(distinct sale.order_id) as orders,
        sum(sale.quantity) as units,
        sum(sale.total_amount_cents) as net_revenue_cents
    from fact_orders as sale
    inner join dim_products as product
        on product.product_key = sale.product_key
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
    where sale.status = 'completed'
    group by calendar.year_month, product.category
)

select
    month,
    category,
    orders,
    units,
    net_revenue_cents,
    case when sum(net_revenue_cents) over (partition by month) > 0
         then 1.0 * net_revenue_cents / sum(net_revenue_cents) over (partition by month)
    end as share_of_month
from category_month
