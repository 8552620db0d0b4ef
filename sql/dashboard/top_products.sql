-- top_products: the products with the most completed revenue in one period and set of
-- categories (grain: one row per product, at most :top of them)
-- reads: gold_order_lines
select
    product_id,
    product_name,
    category,
    sum(case when status = 'completed' then quantity else 0 end) as units,
    sum(case when status = 'completed' then total_amount_cents else 0 end) as net_revenue_cents
from gold_order_lines
where sales_date between :date_from and :date_to
  and (:all_categories = 1 or category in :categories)
group by product_id, product_name, category
order by net_revenue_cents desc, product_id
limit :top
