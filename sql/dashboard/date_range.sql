-- date_range: the first and last day with an order line, for the dashboard's date picker
-- (grain: one row)
-- reads: gold_order_lines
select
    min(sales_date) as first_day,
    max(sales_date) as last_day,
    count(*) as lines
from gold_order_lines
