-- gold_session_daily: the day's browsing in one row (grain: one row per session_date)
-- keys: session_date
-- reads: fact_sessions, dim_date
-- session_date is the UTC date the session started. visitors counts distinct visitors
-- (cookies, or users without one); known_user_sessions the sessions linked to a user
-- (logged in, or stitched); pages_per_session = page_views / sessions;
-- avg_duration_seconds = total duration / sessions, rounded half up to whole seconds (a
-- one-page session lasts 0 s); bounce_rate = bounces / sessions. The sums are cast to
-- bigint: the division must stay an integer division on every engine.
-- Rates are divisions in double precision (cast ... as double precision) on every engine, so
-- SQLite and PostgreSQL give the very same numbers, to the last digit.
create view gold_session_daily as
with daily as (
    select
        calendar.full_date as session_date,
        count(*) as sessions,
        count(distinct session_row.visitor_key) as visitors,
        sum(case when session_row.user_key <> -1 then 1 else 0 end) as known_user_sessions,
        cast(sum(session_row.page_views) as bigint) as page_views,
        cast(sum(session_row.duration_seconds) as bigint) as duration_seconds,
        sum(session_row.is_bounce) as bounces,
        sum(session_row.reached_purchase) as purchases,
        cast(sum(session_row.revenue_cents) as bigint) as revenue_cents
    from fact_sessions as session_row
    inner join dim_date as calendar
        on calendar.date_key = session_row.date_key
    group by calendar.full_date
)

select
    session_date,
    sessions,
    visitors,
    known_user_sessions,
    page_views,
    cast(page_views as double precision) / sessions as pages_per_session,
    (duration_seconds + sessions / 2) / sessions as avg_duration_seconds,
    bounces,
    cast(bounces as double precision) / sessions as bounce_rate,
    purchases,
    revenue_cents
from daily
