-- fact_page_views_sessions: put each recomputed page view in its session (grain: one fact_page_views row per page view in this run's windows)
-- reads: stage_page_view_sessions
-- Changes fact_page_views: session_id, view_number and time_on_page_seconds of the page
-- views this run's sessions were cut from, where they changed (a view of an earlier
-- file whose session a late page view extended, say).
update fact_page_views
set session_id = staged.session_id,
    view_number = staged.view_number,
    time_on_page_seconds = staged.time_on_page_seconds
from stage_page_view_sessions as staged
where fact_page_views.page_view_key = staged.page_view_key
  and (coalesce(fact_page_views.session_id, '') <> staged.session_id
       or coalesce(fact_page_views.view_number, 0) <> staged.view_number
       or coalesce(fact_page_views.time_on_page_seconds, -1)
          <> coalesce(staged.time_on_page_seconds, -1))
