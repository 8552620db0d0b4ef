-- stage_session_windows: the stretches of time whose sessions the last events transform recomputed (grain: one row per session_scope)
-- keys: session_scope PK (see fact_page_views): 'visitor:<visitor_id>' or
--       'session:<a tracker's session_id>'
-- load: emptied and filled by sql/transform/stage_session_windows.sql in each events
--       transform: for each scope with new page views, from the start of the earliest to
--       the end of the latest of its sessions within 30 minutes of a new page view (or
--       the new page views themselves, if none is); a tracker's session is taken whole.
--       Kept after the run, so you can see what it recomputed.
create table if not exists stage_session_windows (
    session_scope   text    primary key,
    from_us         integer not null,
    to_us           integer not null
);
