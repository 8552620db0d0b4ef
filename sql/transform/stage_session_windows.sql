-- stage_session_windows: the stretches of time whose sessions this run recomputes (grain: one row per session_scope)
-- keys: session_scope
-- reads: fact_page_views (the run's page views: page_view_key > :from_page_view_key),
--        fact_sessions
-- Sessions must come out the same whatever the file boundaries and load order, so a run
-- recomputes every session its page views can change (Snowplow's approach): for each
-- scope with new page views, the stretch from the new views (and :session_timeout_us on
-- either side) widened to cover the sessions that reach into it. A page view more than
-- the timeout away from every session changes none of them; one within it may extend or
-- merge them. A tracker's session ('session:<id>') is taken whole. Every page view of a
-- scope inside its stretch is cut again (transform/stage_page_view_sessions.sql).
delete from stage_session_windows;

insert into stage_session_windows (session_scope, from_us, to_us)
with new_view as (
    select
        session_scope,
        min(viewed_at_us) as first_us,
        max(viewed_at_us) as last_us
    from fact_page_views
    where page_view_key > :from_page_view_key
    group by session_scope
),

reached_session as (
    select
        new_view.session_scope,
        min(known_session.started_at_us) as first_us,
        max(known_session.ended_at_us) as last_us
    from new_view
    inner join fact_sessions as known_session
        on known_session.session_scope = new_view.session_scope
       and known_session.started_at_us <= new_view.last_us + :session_timeout_us
       and known_session.ended_at_us >= new_view.first_us - :session_timeout_us
    group by new_view.session_scope
)

select
    new_view.session_scope,
    -- a tracker's session: all of it, however far apart its page views are
    case when new_view.session_scope like 'session:%' then -4611686018427387904
         when reached_session.first_us < new_view.first_us then reached_session.first_us
         else new_view.first_us end as from_us,
    case when new_view.session_scope like 'session:%' then 4611686018427387904
         when reached_session.last_us > new_view.last_us then reached_session.last_us
         else new_view.last_us end as to_us
from new_view
left join reached_session
    on reached_session.session_scope = new_view.session_scope
