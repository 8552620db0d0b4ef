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
-- How: every window function is partitioned by the scope (a visitor's or a tracker's
-- session's page views: a few each), so the engine keeps one small partition at a time,
-- and only the keys and times travel through the passes: the first pass marks where
-- sessions start and the time to the next view of the same session; the second finds
-- each view's session start; the third names the session after its first view. What
-- the next steps need of each view (who was logged in, its funnel step) is looked up
-- at the end, and the rows are stored in session order. The two indexes the next steps
-- read through are built once the rows are in.
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
        page_view.viewed_at_us,
        page_view.event_id
    from stage_session_windows as stretch
    cross join fact_page_views as page_view
    where page_view.session_scope = stretch.session_scope
      and page_view.viewed_at_us between stretch.from_us and stretch.to_us
),

session_start as (
    -- in time order within the scope: where a session starts (1), and the time to the
    -- next view if that view is in the same session ('session:' scopes are one session)
    select
        page_view_key,
        session_scope,
        event_id,
        row_number() over scope_order as scope_position,
        case
            when lag(viewed_at_us) over scope_order is null then 1
            when session_scope like 'session:%' then 0
            when viewed_at_us - lag(viewed_at_us) over scope_order > :session_timeout_us then 1
            else 0
        end as starts_session,
        case
            when session_scope like 'session:%'
              or lead(viewed_at_us) over scope_order - viewed_at_us <= :session_timeout_us
            then (lead(viewed_at_us) over scope_order - viewed_at_us) / 1000000
        end as time_on_page_seconds
    from windowed_view
    window scope_order as (partition by session_scope order by viewed_at_us, event_id)
),

view_in_session as (
    -- each view's session: the position of the latest session start at or before it
    select
        session_start.*,
        max(case when starts_session = 1 then scope_position end) over (
            partition by session_scope
            order by scope_position
            rows between unbounded preceding and current row
        ) as start_position
    from session_start
),

named_session as (
    -- 'session:' is 8 characters: a tracker's session_id follows it; any other session
    -- is named after its first view
    select
        page_view_key,
        case when session_scope like 'session:%' then substr(session_scope, 9)
             else first_value(event_id) over session_order end as session_id,
        first_value(page_view_key) over session_order as session_start_key,
        scope_position - start_position + 1 as view_number,
        time_on_page_seconds
    from view_in_session
    window session_order as (partition by session_scope, start_position order by scope_position)
)

select
    named_session.page_view_key,
    page_view.session_id as old_session_id,
    named_session.session_id,
    named_session.session_start_key,
    named_session.view_number,
    named_session.time_on_page_seconds,
    page_view.user_key,
    page_type.funnel_step
from named_session
inner join fact_page_views as page_view
    on page_view.page_view_key = named_session.page_view_key
inner join dim_page_type as page_type
    on page_type.page_type_key = page_view.page_type_key
-- stored in session order: the next steps read a session's views together, and the
-- fact's rows in about their key order, instead of jumping about the file
order by named_session.session_start_key, named_session.view_number;

create index stage_page_view_sessions_page_view_key
    on stage_page_view_sessions (page_view_key);

create index stage_page_view_sessions_session
    on stage_page_view_sessions (session_start_key, view_number)
