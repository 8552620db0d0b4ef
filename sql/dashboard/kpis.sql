-- kpis: the dashboard's headline numbers for one period and set of categories
-- (grain: one row)
-- reads: gold_order_lines
-- The period is :date_from to :date_to (both included); :all_categories = 1 keeps every
-- category, else only those in :categories. Net revenue, orders and customers count
-- completed lines (customers: known ones, guests cannot be told apart); a repeat customer
-- has two or more completed orders in the period; refunded_lines / lines is the refund
-- rate (per order line, as in sql/examples/refund_rate_by_category.sql).
with period_line as (
    select order_id, status, user_id, total_amount_cents
    from gold_order_lines
    where sales_date between :date_from and :date_to
      and (:all_categories = 1 or category in :categories)
),

customer_orders as (
    select user_id, count(distinct order_id) as orders
    from period_line
    where status = 'completed'
      and user_id is not null
    group by user_id
)

select
    (select count(*) from period_line) as lines,
    (select count(*) from period_line where status = 'refunded') as refunded_lines,
    (select count(distinct order_id) from period_line where status = 'completed') as orders,
    (select coalesce(sum(total_amount_cents), 0) from period_line where status = 'completed')
        as net_revenue_cents,
    (select count(*) from customer_orders) as customers,
    (select count(*) from customer_orders where orders >= 2) as repeat_customers
