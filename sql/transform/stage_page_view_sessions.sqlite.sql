-- stage_page_view_sessions (SQLite dialect): the session of every page view in this run's windows (grain: as in stage_page_view_sessions.sql)
-- keys: page_view_key
-- reads: stage_session_windows, fact_page_views (through fact_page_views_scope_time; an
--        earlier view's session by its key), dim_page_type
-- The same sessions, view numbers and times as the portable file, whose header states
-- the rules (a test compares the two files' rows after out-of-order loads). Why a twin:
-- SQLite's window functions cost about 0.8 µs a row for each function over the views,
-- and the portable file makes two passes (the second over a full sort); an index
-- lookup costs about half that. Here a page view starts a session when no earlier view
-- of its scope's window lies within :session_timeout_us before it (a tracker's session:
-- no earlier view at all), one lookup each. The starts (a quarter of the views) get the
-- next start of their scope by a window over them alone; each session's views are read
-- through the index between its start and the next, and one window numbers them and
-- gives each the time to the next. (It also uses SQLite's two-argument max().) Same
-- rows in the same order; at 197,716 page views the step's CPU 1.22 -> 0.92 s.
delete from stage_page_view_sessions;

-- (an index of earlier releases, no longer built)
drop index if exists stage_page_view_sessions_page_view_key;

drop index if exists stage_page_view_sessions_session;

insert into stage_page_view_sessions (
    page_view_key, old_session_id, session_id, session_start_key, view_number,
    time_on_page_seconds, user_key, funnel_step
)
with session_first as materialized (
    -- the views that start a session: no earlier view of the window (ties by event_id)
    -- within the timeout before it; in a tracker's session, none before it at all
    select
        page_view.page_view_key as session_start_key,
        stretch.session_scope,
        stretch.to_us,
        page_view.viewed_at_us,
        page_view.event_id
    from stage_session_windows as stretch
    cross join fact_page_views as page_view
    where page_view.session_scope = stretch.session_scope
      and page_view.viewed_at_us between stretch.from_us and stretch.to_us
      and not exists (
          select 1
          from fact_page_views as earlier
          where earlier.session_scope = stretch.session_scope
            and earlier.viewed_at_us
                between case when stretch.session_scope like 'session:%' then stretch.from_us
                             else max(stretch.from_us,
                                      page_view.viewed_at_us - :session_timeout_us) end
                and page_view.viewed_at_us
            and (earlier.viewed_at_us < page_view.viewed_at_us
                 or earlier.event_id < page_view.event_id)
      )
),

session_span as materialized (
    -- each session's start and the next session's start in the same scope (none: the
    -- session runs to the end of the window)
    select
        session_first.*,
        lead(viewed_at_us) over later_session as next_us,
        lead(event_id) over later_session as next_event_id
    from session_first
    window later_session as (partition by session_scope order by viewed_at_us, event_id)
),

session_view as (
    -- each session's views: from its start up to, not including, the next start
    select
        span.session_start_key,
        -- 'session:' is 8 characters: a tracker's session_id follows it
        case when span.session_scope like 'session:%' then substr(span.session_scope, 9)
             else span.event_id end as session_id,
        page_view.page_view_key,
        page_view.viewed_at_us,
        page_view.event_id,
        page_view.user_key,
        page_view.page_type_key
    from session_span as span
    cross join fact_page_views as page_view
    where page_view.session_scope = span.session_scope
      and page_view.viewed_at_us between span.viewed_at_us and coalesce(span.next_us, span.to_us)
      and (page_view.viewed_at_us > span.viewed_at_us or page_view.event_id >= span.event_id)
      and (span.next_us is null
           or page_view.viewed_at_us < span.next_us
           or page_view.event_id < span.next_event_id)
)

select
    session_view.page_view_key,
    -- the session an earlier page view was in (the run's own views, after
    -- :from_page_view_key, have none yet): looked up for those alone
    case when session_view.page_view_key <= :from_page_view_key then (
        select earlier.session_id
        from fact_page_views as earlier
        where earlier.page_view_key = session_view.page_view_key
    ) end as old_session_id,
    session_view.session_id,
    session_view.session_start_key,
    row_number() over in_session as view_number,
    (lead(session_view.viewed_at_us) over in_session - session_view.viewed_at_us) / 1000000
        as time_on_page_seconds,
    session_view.user_key,
    page_type.funnel_step
from session_view
inner join dim_page_type as page_type
    on page_type.page_type_key = session_view.page_type_key
window in_session as (
    partition by session_view.session_start_key
    order by session_view.viewed_at_us, session_view.event_id
)
-- stored in session order (the window's own order), as the portable file stores them
order by session_view.session_start_key, session_view.viewed_at_us, session_view.event_id;

create index stage_page_view_sessions_session
    on stage_page_view_sessions (session_start_key, view_number)
