-- fact_sessions_revenue_matches_orders: a purchase session's revenue is its order's net revenue in fact_orders, to the cent
-- severity: error
-- grain of failing rows: one row per purchase session whose order is in fact_orders with other revenue
-- reads: fact_sessions, fact_page_views, fact_orders (its order_id index)
-- scope: the sessions of the page views after :from_page_view_key and those whose order got
--        lines after :from_order_key (inside a transform, what the run recomputed or
--        brought; `warehouse check` passes 0 for both: every session)
-- An order's net revenue: its completed lines (as gold_daily_sales counts them). A session
-- whose order is not in fact_orders yet is fact_sessions_orders_exist's (a warning).
with judged_session as (
    select session_row.session_id, session_row.order_id, session_row.revenue_cents
    from fact_sessions as session_row
    where session_row.order_id is not null
      and (:from_page_view_key = 0        -- every session (a first load; `warehouse check`)
           or session_row.session_id in (
               select session_id from fact_page_views where page_view_key > :from_page_view_key)
           or session_row.order_id in (
               select order_id from fact_orders where order_key > :from_order_key))
),

order_revenue as (
    select
        sale.order_id,
        sum(case when sale.status = 'completed' then sale.total_amount_cents else 0 end)
            as revenue_cents
    from fact_orders as sale
    where sale.order_id in (select order_id from judged_session)
    group by sale.order_id
)

select
    judged_session.session_id,
    judged_session.order_id,
    judged_session.revenue_cents as session_revenue_cents,
    order_revenue.revenue_cents as order_revenue_cents
from judged_session
inner join order_revenue
    on order_revenue.order_id = judged_session.order_id
where judged_session.revenue_cents <> order_revenue.revenue_cents
