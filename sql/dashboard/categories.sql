-- categories: every product category with an order line, biggest revenue first, for the
-- dashboard's category filter (grain: one row per category)
-- reads: gold_order_lines
select
    category,
    sum(case when status = 'completed' then total_amount_cents else 0 end) as net_revenue_cents
from gold_order_lines
group by category
order by net_revenue_cents desc, category
