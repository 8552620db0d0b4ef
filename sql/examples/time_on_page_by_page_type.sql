-- Question: how long do shoppers stay on each kind of page before the next one?
-- Grain: one row per page type with at least one page view.
-- Reads: fact_page_views, dim_page_type.
-- time_on_page_seconds is known only when the session has a next page view (the last
-- page of a session has none); avg_seconds averages the known ones, rounded half up to
-- whole seconds. exit_share: the share of the page type's views that ended a session.
with page_time as (
    select
        page_type.page_type,
        count(*) as views,
        count(page_view.time_on_page_seconds) as timed_views,
        cast(sum(page_view.time_on_page_seconds) as bigint) as timed_seconds
    from fact_page_views as page_view
    inner join dim_page_type as page_type
        on page_type.page_type_key = page_view.page_type_key
    group by page_type.page_type
)

select
    page_type,
    views,
    timed_views,
    case when timed_views > 0 then (timed_seconds + timed_views / 2) / timed_views end
        as avg_seconds,
    cast(views - timed_views as double precision) / views as exit_share
from page_time
order by views desc, page_type
