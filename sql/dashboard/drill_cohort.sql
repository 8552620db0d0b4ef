-- drill_cohort: the completed order lines behind one cell of the cohort retention chart:
-- what the customers of cohort :cohort bought in month :month
-- (grain: one row per order line, at most :row_limit; lines_behind counts them all)
-- reads: gold_order_lines
with first_month as (
    select user_id, min(sales_month) as cohort_month
    from gold_order_lines
    where status = 'completed'
      and user_id is not null
    group by user_id
)

select
    line.transaction_id, line.order_id, line.sales_date, line.status, line.product_id,
    line.product_name, line.category, line.user_id, line.quantity, line.unit_price_cents,
    line.total_amount_cents,
    count(*) over () as lines_behind
from gold_order_lines as line
inner join first_month
    on first_month.user_id = line.user_id
where first_month.cohort_month = :cohort
  and line.sales_month = :month
  and line.status = 'completed'
order by line.order_timestamp, line.transaction_id
limit :row_limit
