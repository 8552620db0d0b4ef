-- stage_page_view_sessions: the session of every page view in the recomputed windows (grain: one row per page view: page_view_key)
-- keys: page_view_key (fact_page_views), unique by construction; session_start_key, the
--       page_view_key of the session's first view, numbers the session for the steps
--       after (integers join faster than ids). No key of its own: the rows go in in
--       session order, and sql/transform/stage_page_view_sessions.sql builds the index
--       the session fact reads through, (session_start_key, view_number), once the rows
--       are in; the write-backs read the stage in that stored order (an index on
--       page_view_key cost 0.04 s to build at 197,716 page views and saved nothing).
-- load: emptied and filled by sql/transform/stage_page_view_sessions.sql in each events
--       transform, read by the steps after it: the session each page view of
--       stage_session_windows belongs to now (session_id, view_number,
--       time_on_page_seconds), the one it belonged to before (old_session_id, null for a
--       new page view), and what the session's row needs of it (who was logged in,
--       user_key; its funnel_step). Kept after the run, so you can see what it recomputed.
create table if not exists stage_page_view_sessions (
    page_view_key           integer not null,
    old_session_id          text,
    session_id              text    not null,
    session_start_key       integer not null,
    view_number             integer not null,
    time_on_page_seconds    integer,
    user_key                integer not null,
    funnel_step             integer
);
