-- fact_page_views_sessions: give the run's own page views their session (grain: one fact_page_views row per page view this run added)
-- reads: stage_page_view_sessions (the run's page views: page_view_key > :from_page_view_key)
-- Changes fact_page_views: session_id, view_number and time_on_page_seconds of the page
-- views transform/fact_page_views.sql has just added (it leaves them empty: the sessions
-- are cut after every page view of the run is in). Their rows were counted when they
-- were added; the earlier page views whose session changed are
-- transform/fact_page_views_resessioned.sql's.
update fact_page_views
set session_id = staged.session_id,
    view_number = staged.view_number,
    time_on_page_seconds = staged.time_on_page_seconds
from stage_page_view_sessions as staged
where fact_page_views.page_view_key = staged.page_view_key
  and staged.page_view_key > :from_page_view_key
