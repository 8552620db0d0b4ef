-- drill_funnel_step: the sessions behind one bar of the dashboard's funnel: those of the
-- period that reached step :step_number (0 session ... 4 purchase)
-- (grain: one row per session, at most :row_limit; sessions_behind counts them all)
-- reads: fact_sessions, dim_date, dim_channel, dim_visitors
select
    session_row.session_id,
    session_row.started_at,
    channel.channel,
    visitor.visitor_id,
    session_row.page_views,
    session_row.landing_page_path,
    session_row.exit_page_path,
    session_row.order_id,
    session_row.revenue_cents,
    count(*) over () as sessions_behind
from fact_sessions as session_row
inner join dim_date as calendar
    on calendar.date_key = session_row.date_key
inner join dim_channel as channel
    on channel.channel_key = session_row.channel_key
inner join dim_visitors as visitor
    on visitor.visitor_key = session_row.visitor_key
where calendar.full_date between :date_from and :date_to
  and (:step_number = 0
       or (:step_number = 1 and session_row.reached_product_view = 1)
       or (:step_number = 2 and session_row.reached_cart = 1)
       or (:step_number = 3 and session_row.reached_checkout = 1)
       or (:step_number = 4 and session_row.reached_purchase = 1))
order by session_row.started_at, session_row.session_id
limit :row_limit
