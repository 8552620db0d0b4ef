-- stage_page_view_sessions: the session of every page view in this run's windows (grain: one row per page view: page_view_key)
-- keys: page_view_key
-- reads: stage_session_windows, fact_page_views, dim_page_type
-- Within a scope's window, page views in time order (ties by event_id): a tracker's
-- session is one session; otherwise a new session starts at the first view and at each
-- view more than :session_timeout_us (30 minutes) after the one before. A derived session
-- is named after its first page view (session_id = that view's event_id), so the name is
-- the same whatever order the files came in. view_number counts the session's views from
-- 1; time_on_page_seconds is the (whole) seconds to the next view of the session, null
-- for the last. old_session_id: the session the view was in before this run.
-- How: one pass in (scope, time, event_id) order numbers the views (view_position) and
-- marks where sessions start; the next passes order by those integers instead of the text.
-- The two indexes the next steps read through are built once the rows are in.
delete from stage_page_view_sessions;

drop index if exists stage_page_view_sessions_page_view_key;

drop index if exists stage_page_view_sessions_session;

insert into stage_page_view_sessions (
    page_view_key, old_session_id, session_id, session_start_key, view_number,
    time_on_page_seconds, user_key, funnel_step
)
with windowed_view as (
    -- each window, then its page views through fact_page_views_scope_time (a cross join
    -- keeps that order on SQLite, which would otherwise read every page view)
    select
        page_view.page_view_key,
        page_view.session_scope,
        page_view.session_id as old_session_id,
        page_view.viewed_at_us,
        page_view.event_id,
        page_view.user_key,
        page_type.funnel_step,
        -- 'session:' is 8 characters: a tracker's session_id follows it
        case when page_view.session_scope like 'session:%'
             then substr(page_view.session_scope, 9) end as tracker_session_id
    from stage_session_windows as stretch
    cross join fact_page_views as page_view
    inner join dim_page_type as page_type
        on page_type.page_type_key = page_view.page_type_key
    where page_view.session_scope = stretch.session_scope
      and page_view.viewed_at_us between stretch.from_us and stretch.to_us
),

session_start as (
    select
        windowed_view.*,
        row_number() over view_order as view_position,
        case
            when lag(session_scope) over view_order is null
              or lag(session_scope) over view_order <> session_scope then 1
            when tracker_session_id is not null then 0
            when viewed_at_us - lag(viewed_at_us) over view_order > :session_timeout_us then 1
            else 0
        end as starts_session
    from windowed_view
    window view_order as (order by session_scope, viewed_at_us, event_id)
),

numbered_session as (
    -- sessions numbered in view order: a running count of the starts
    select
        session_start.*,
        sum(starts_session) over (
            order by view_position rows between unbounded preceding and current row
        ) as session_number
    from session_start
)

select
    page_view_key,
    old_session_id,
    coalesce(tracker_session_id, first_value(event_id) over session_order) as session_id,
    first_value(page_view_key) over session_order as session_start_key,
    row_number() over session_order as view_number,
    (lead(viewed_at_us) over session_order - viewed_at_us) / 1000000 as time_on_page_seconds,
    user_key,
    funnel_step
from numbered_session
window session_order as (partition by session_number order by view_position);

create index stage_page_view_sessions_page_view_key
    on stage_page_view_sessions (page_view_key);

create index stage_page_view_sessions_session
    on stage_page_view_sessions (session_start_key, view_number)
