-- gold_landing_pages: how well each landing page does, over all sessions (grain: one row per landing_page_path)
-- keys: landing_page_path
-- reads: fact_sessions, dim_page_type
-- A landing page is a session's first page (its path, without the query: campaign
-- parameters do not make another page). bounce_rate = bounces / sessions;
-- conversion_rate = purchases / sessions; revenue_cents sums the sessions' orders' net
-- revenue; sessions_rank ranks pages by sessions (ties share a rank).
-- Rates are divisions in double precision (cast ... as double precision) on every engine, so
-- SQLite and PostgreSQL give the very same numbers, to the last digit.
create view gold_landing_pages as
with landing as (
    select
        session_row.landing_page_path,
        page_type.page_type as landing_page_type,
        count(*) as sessions,
        sum(session_row.is_bounce) as bounces,
        sum(session_row.reached_purchase) as purchases,
        cast(sum(session_row.revenue_cents) as bigint) as revenue_cents
    from fact_sessions as session_row
    inner join dim_page_type as page_type
        on page_type.page_type_key = session_row.landing_page_type_key
    group by session_row.landing_page_path, page_type.page_type
)

select
    landing_page_path,
    landing_page_type,
    sessions,
    bounces,
    cast(bounces as double precision) / sessions as bounce_rate,
    purchases,
    cast(purchases as double precision) / sessions as conversion_rate,
    revenue_cents,
    rank() over (order by sessions desc) as sessions_rank
from landing
