-- Question: which categories grew month over month?
-- Grain: one row per category and calendar month of dim_date (a month without sales
--        in a category shows 0, so the comparison is always with the month before).
-- Reads: fact_orders, dim_products, dim_date.
-- Revenue counts completed lines; the category is the product's current one (SCD1).
-- growth_rate is null in a category's first month and when the month before had no
-- revenue; grew is 1 when revenue rose, 0 when it did not, null in the first month.
with calendar_month as (
    select distinct
        calendar.year_month as month
    from dim_date as calendar
    where calendar.date_key <> -1          -- the unknown date is no month
),

category as (
    select distinct
        product.category
    from dim_products as product
    where product.product_key <> -1
      and product.category is not null     -- a product known by its id only has none yet
),

category_month_sales as (
    select
        calendar.year_month as month,
        product.category,
        sum(sale.total_amount_cents) as revenue_cents
    from fact_orders as sale
    inner join dim_products as product
        on product.product_key = sale.product_key
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
    where sale.status = 'completed'
    group by calendar.year_month, product.category
),

category_month as (
    select
        calendar_month.month,
        category.category,
        coalesce(sales.revenue_cents, 0) as revenue_cents
    from calendar_month
    cross join category
    left join category_month_sales as sales
        on sales.month = calendar_month.month
       and sales.category = category.category
),

with_previous as (
    select
        month,
        category,
        revenue_cents,
        lag(revenue_cents) over (partition by category order by month) as previous_revenue_cents
    from category_month
)

select
    month,
    category,
    revenue_cents,
    revenue_cents / 100.0 as revenue,
    previous_revenue_cents,
    revenue_cents - previous_revenue_cents as change_cents,
    case when previous_revenue_cents > 0
         then round(1.0 * (revenue_cents - previous_revenue_cents) / previous_revenue_cents, 4)
    end as growth_rate,
    case when previous_revenue_cents is not null
         then case when revenue_cents > previous_revenue_cents then 1 else 0 end
    end as grew
from with_previous
order by month, category;
