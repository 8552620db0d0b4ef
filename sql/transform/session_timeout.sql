-- session_timeout: how long a visitor may be idle before their next page view starts a new
-- session (grain: one value, in microseconds)
-- The rule, written once: 30 minutes (the industry's usual default). Bound into
-- transform/stage_session_windows.sql and transform/stage_page_view_sessions.sql.
select 30 * 60 * 1000000 as session_timeout_us
