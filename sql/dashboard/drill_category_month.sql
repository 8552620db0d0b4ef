-- drill_category_month: the order lines behind one category and month of the dashboard's
-- category mix (grain: one row per order line, at most :row_limit; lines_behind counts them all)
-- reads: gold_order_lines
select
    transaction_id, order_id, sales_date, status, product_id, product_name, category, user_id,
    quantity, unit_price_cents, total_amount_cents,
    count(*) over () as lines_behind
from gold_order_lines
where sales_month = :month
  and category in :categories
  and sales_date between :date_from and :date_to
order by order_timestamp, transaction_id
limit :row_limit
