-- fact_sessions_refresh: bring the sessions outside this run's windows up to date with what the run changed elsewhere (grain: one fact_sessions row per session changed)
-- reads: dim_visitors, silver_page_views (the run's visitors who logged in), fact_orders
--        (the order lines this run added: order_key > :from_order_key)
-- - identity stitching: a session without a login of its own follows its visitor's user
--   (dim_visitors.user_key), which a login in this run may have changed;
-- - revenue: a purchase session whose order this run brought (or added a line to) gets
--   that order's net revenue. The order-lines kind may come in a run of its own: this
--   kind follows it (sources/events), so this step runs then too, with no page views.
update fact_sessions
set user_key = visitor.user_key
from dim_visitors as visitor
where visitor.visitor_key = fact_sessions.visitor_key
  and fact_sessions.is_logged_in = 0
  and fact_sessions.user_key <> visitor.user_key
  and visitor.visitor_id in (
      -- only a login of this run can have moved a visitor's user
      select visitor_id
      from silver_page_views
      where raw_id > :from_raw_id
        and raw_id <= :to_raw_id
        and user_id is not null
  );

with session_order as (
    -- the orders this run brought lines of that a session placed (only those: a big
    -- batch of order lines costs a scan of its own rows, not a sum of every order)
    select distinct fact_sessions.order_id
    from fact_sessions
    where fact_sessions.order_id in (
        select order_id
        from fact_orders
        where order_key > :from_order_key
    )
),

order_revenue as (
    select
        order_id,
        sum(case when status = 'completed' then total_amount_cents else 0 end) as revenue_cents
    from fact_orders
    where order_id in (select order_id from session_order)
    group by order_id
)

update fact_sessions
set revenue_cents = order_revenue.revenue_cents
from order_revenue
where fact_sessions.order_id = order_revenue.order_id
  and fact_sessions.revenue_cents <> order_revenue.revenue_cents
