-- fact_sessions_revenue_matches_orders: a purchase session's revenue is its order's net revenue in fact_orders, to the cent
-- severity: error
-- grain of failing rows: one row per purchase session whose order is in fact_orders with other revenue
-- reads: fact_sessions, fact_orders
-- An order's net revenue: its completed lines (as gold_daily_sales counts them). A session
-- whose order is not in fact_orders yet is fact_sessions_orders_exist's (a warning).
with order_revenue as (
    select
        order_id,
        sum(case when status = 'completed' then total_amount_cents else 0 end) as revenue_cents
    from fact_orders
    where order_id in (select order_id from fact_sessions where order_id is not null)
    group by order_id
)

select
    session_row.session_id,
    session_row.order_id,
    session_row.revenue_cents as session_revenue_cents,
    order_revenue.revenue_cents as order_revenue_cents
from fact_sessions as session_row
inner join order_revenue
    on order_revenue.order_id = session_row.order_id
where session_row.revenue_cents <> order_revenue.revenue_cents
