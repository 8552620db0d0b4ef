-- category_monthly: completed revenue per month and category of one period
-- (grain: one row per sales_month, category)
-- reads: gold_order_lines
-- first_day / last_day are the month's first and last day with a line in the period: the
-- dashboard marks a month the period or the data do not cover whole as partial.
select
    sales_month,
    category,
    min(sales_date) as first_day,
    max(sales_date) as last_day,
    sum(case when status = 'completed' then total_amount_cents else 0 end) as net_revenue_cents
from gold_order_lines
where sales_date between :date_from and :date_to
  and (:all_categories = 1 or category in :categories)
group by sales_month, category
order by sales_month, category
