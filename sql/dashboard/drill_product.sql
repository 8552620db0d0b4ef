-- drill_product: the order lines behind one product of the dashboard's top products
-- (grain: one row per order line, at most :row_limit; lines_behind counts them all)
-- reads: gold_order_lines
select
    transaction_id, order_id, sales_date, status, product_id, product_name, category, user_id,
    quantity, unit_price_cents, total_amount_cents,
    count(*) over () as lines_behind
from gold_order_lines
where product_id = :product_id
  and sales_date between :date_from and :date_to
order by order_timestamp, transaction_id
limit :row_limit
