-- fact_page_views_resessioned: put the earlier page views of the recomputed sessions in their session, where it changed (grain: one fact_page_views row per earlier page view whose session changed)
-- reads: stage_page_view_sessions (the earlier page views of this run's windows:
--        page_view_key <= :from_page_view_key)
-- Changes fact_page_views: session_id, view_number and time_on_page_seconds of page views
-- of earlier runs whose session this run changed (a view of yesterday's file whose
-- session a late page view extended, or merged with another, say).
update fact_page_views
set session_id = staged.session_id,
    view_number = staged.view_number,
    time_on_page_seconds = staged.time_on_page_seconds
from stage_page_view_sessions as staged
where fact_page_views.page_view_key = staged.page_view_key
  and staged.page_view_key <= :from_page_view_key
  and (coalesce(fact_page_views.session_id, '') <> staged.session_id
       or coalesce(fact_page_views.view_number, 0) <> staged.view_number
       or coalesce(fact_page_views.time_on_page_seconds, -1)
          <> coalesce(staged.time_on_page_seconds, -1))
