-- drill_day: the order lines behind one day of the dashboard's daily revenue chart
-- (grain: one row per order line, at most :row_limit; lines_behind counts them all)
-- reads: gold_order_lines
select
    transaction_id, order_id, sales_date, status, product_id, product_name, category, user_id,
    quantity, unit_price_cents, total_amount_cents,
    count(*) over () as lines_behind
from gold_order_lines
where sales_date = :day
  and (:all_categories = 1 or category in :categories)
order by order_timestamp, transaction_id
limit :row_limit
