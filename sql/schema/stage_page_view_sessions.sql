-- stage_page_view_sessions: the session of every page view in the recomputed windows (grain: one row per page view: page_view_key)
-- keys: page_view_key PK (fact_page_views)
-- load: emptied and filled by sql/transform/stage_page_view_sessions.sql in each events
--       transform, read by the steps after it: the session each page view of
--       stage_session_windows belongs to now (session_id, view_number,
--       time_on_page_seconds) and the one it belonged to before (old_session_id, null
--       for a new page view). Kept after the run, so you can see what it recomputed.
create table if not exists stage_page_view_sessions (
    page_view_key           integer primary key,
    old_session_id          text,
    session_id              text    not null,
    view_number             integer not null,
    time_on_page_seconds    integer
);

create index if not exists stage_page_view_sessions_session_id
    on stage_page_view_sessions (session_id);
