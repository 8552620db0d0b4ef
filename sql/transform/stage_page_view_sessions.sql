-- stage_page_view_sessions: the session of every page view in this run's windows (grain: one row per page view: page_view_key)
-- keys: page_view_key
-- reads: stage_session_windows, fact_page_views (through fact_page_views_scope_time; an
--        earlier view's session by its key), dim_page_type
-- Within a scope's window, page views in time order (ties by event_id): a tracker's
-- session is one session; otherwise a new session starts at the first view and at each
-- view more than :session_timeout_us (30 minutes) after the one before. A derived session
-- is named after its first page view (session_id = that view's event_id), so the name is
-- the same whatever order the files came in. view_number counts the session's views from
-- 1; time_on_page_seconds is the (whole) seconds to the next view of the session, null
-- for the last. old_session_id: the session the view was in before this run.
-- How: every window function is partitioned by the scope (a visitor's or a tracker's
-- session's page views: a few each), so the engine keeps one small partition at a time.
-- The views come from fact_page_views_scope_time alone (it holds every column read
-- here), in two passes: the first marks where sessions start and the time to the next
-- view of the same session; the second carries each session's start forward to the
-- views after it (a running max: see view_in_session). The rows are stored in session order;
-- the session fact's index is built once the rows are in (the write-backs read the
-- stage in its stored order: an index on page_view_key cost more to build than it saved).
delete from stage_page_view_sessions;

-- (an index of earlier releases, no longer built)
drop index if exists stage_page_view_sessions_page_view_key;

drop index if exists stage_page_view_sessions_session;

insert into stage_page_view_sessions (
    page_view_key, old_session_id, session_id, session_start_key, view_number,
    time_on_page_seconds, user_key, funnel_step
)
with session_start as (
    -- each window, then its page views through fact_page_views_scope_time (a cross join
    -- keeps that order on SQLite, which would otherwise read every page view; the windows
    -- are read in scope order, so the views arrive almost in the order below: SQLite
    -- sorts each scope's few views, not all of them). In time order within the scope:
    -- where a session starts (1), and the time to the next view if that view is in the
    -- same session ('session:' scopes are one session)
    select
        page_view.page_view_key,
        stretch.session_scope,
        page_view.event_id,
        page_view.user_key,
        page_view.page_type_key,
        row_number() over scope_order as scope_position,
        case
            when lag(page_view.viewed_at_us) over scope_order is null then 1
            when stretch.session_scope like 'session:%' then 0
            when page_view.viewed_at_us - lag(page_view.viewed_at_us) over scope_order
                 > :session_timeout_us then 1
            else 0
        end as starts_session,
        case
            when stretch.session_scope like 'session:%'
              or lead(page_view.viewed_at_us) over scope_order - page_view.viewed_at_us
                 <= :session_timeout_us
            then (lead(page_view.viewed_at_us) over scope_order - page_view.viewed_at_us) / 1000000
        end as time_on_page_seconds
    from stage_session_windows as stretch
    cross join fact_page_views as page_view
    where page_view.session_scope = stretch.session_scope
      and page_view.viewed_at_us between stretch.from_us and stretch.to_us
    window scope_order as (
        partition by stretch.session_scope
        order by page_view.viewed_at_us, page_view.event_id
    )
),

view_in_session as (
    -- each view's session start: the latest start at or before it. One running max
    -- carries all three things the start gives its session, written as one string that
    -- sorts by position: its position (12 digits), its page_view_key (18 digits, both
    -- zero-padded by adding a power of ten and dropping the leading 1) and its event_id
    -- (the session's name), so the views need no second pass to find their start's key
    select
        page_view_key,
        session_scope,
        scope_position,
        time_on_page_seconds,
        user_key,
        page_type_key,
        max(case when starts_session = 1
                 then substr(cast(1000000000000 + scope_position as text), 2)
                      || substr(cast(1000000000000000000 + page_view_key as text), 2)
                      || event_id end) over (
            partition by session_scope
            order by scope_position
            rows between unbounded preceding and current row
        ) as session_start
    from session_start
),

named_session as (
    -- 'session:' is 8 characters: a tracker's session_id follows it; any other session
    -- is named after its first view (the event_id after the 30 digits)
    select
        page_view_key,
        case when session_scope like 'session:%' then substr(session_scope, 9)
             else substr(session_start, 31) end as session_id,
        cast(substr(session_start, 13, 18) as bigint) as session_start_key,
        scope_position - cast(substr(session_start, 1, 12) as bigint) + 1 as view_number,
        time_on_page_seconds,
        user_key,
        page_type_key
    from view_in_session
)

select
    named_session.page_view_key,
    -- the session an earlier page view was in (the run's own views, after
    -- :from_page_view_key, have none yet): looked up for those alone
    case when named_session.page_view_key <= :from_page_view_key then (
        select earlier.session_id
        from fact_page_views as earlier
        where earlier.page_view_key = named_session.page_view_key
    ) end as old_session_id,
    named_session.session_id,
    named_session.session_start_key,
    named_session.view_number,
    named_session.time_on_page_seconds,
    named_session.user_key,
    page_type.funnel_step
from named_session
inner join dim_page_type as page_type
    on page_type.page_type_key = named_session.page_type_key
-- stored in session order: the next steps read a session's views together, and the
-- fact's rows in about their key order, instead of jumping about the file
order by named_session.session_start_key, named_session.view_number;

create index stage_page_view_sessions_session
    on stage_page_view_sessions (session_start_key, view_number)
