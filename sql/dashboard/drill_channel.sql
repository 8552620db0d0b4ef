-- drill_channel: the sessions behind one bar of the dashboard's channels: those of the
-- period that came from :channel
-- (grain: one row per session, at most :row_limit; sessions_behind counts them all)
-- reads: fact_sessions, dim_date, dim_channel
select
    session_row.session_id,
    session_row.started_at,
    session_row.ref_domain,
    session_row.utm_source,
    session_row.utm_medium,
    session_row.page_views,
    session_row.reached_purchase,
    session_row.order_id,
    session_row.revenue_cents,
    count(*) over () as sessions_behind
from fact_sessions as session_row
inner join dim_date as calendar
    on calendar.date_key = session_row.date_key
inner join dim_channel as channel
    on channel.channel_key = session_row.channel_key
where calendar.full_date between :date_from and :date_to
  and channel.channel = :channel
order by session_row.started_at, session_row.session_id
limit :row_limit
