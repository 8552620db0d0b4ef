-- fact_sessions_orders_exist: every purchase session's order is in fact_orders
-- severity: warn
-- grain of failing rows: one row per purchase session whose order_id has no line in fact_orders
--   (or whose confirmation page named no order_id)
-- reads: fact_sessions, fact_page_views, fact_orders (its order_id index)
-- scope: every purchase session still without its order: inside a transform too, so the
--        warning stays until the order comes (a purchase session is a small share, and
--        each is one look-up in fact_orders' order_id index)
-- A warning, not an error: page views and order lines are files of their own, and the
-- confirmation page may arrive before its order's lines (the session's revenue is filled
-- in when they come: transform/fact_sessions_refresh.sql). An order that never comes is
-- worth a look: a lost file, or a tracker recording orders the shop never took.
select session_row.session_id, session_row.order_id, session_row.started_at
from fact_sessions as session_row
where session_row.reached_purchase = 1
  and (session_row.order_id is null
       or not exists (
           select 1
           from fact_orders as sale
           where sale.order_id = session_row.order_id
       ))
order by session_row.session_id
