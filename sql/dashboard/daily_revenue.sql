-- daily_revenue: completed revenue and orders per day of one period and set of categories
-- (grain: one row per sales_date with a line; the dashboard fills the days without one)
-- reads: gold_order_lines
select
    sales_date,
    count(distinct case when status = 'completed' then order_id end) as orders,
    sum(case when status = 'completed' then total_amount_cents else 0 end) as net_revenue_cents
from gold_order_lines
where sales_date between :date_from and :date_to
  and (:all_categories = 1 or category in :categories)
group by sales_date
order by sales_date
