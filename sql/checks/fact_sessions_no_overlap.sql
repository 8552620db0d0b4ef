-- fact_sessions_no_overlap: a visitor's sessions (the ones cut by inactivity) never overlap
-- severity: error
-- grain of failing rows: one row per pair of overlapping sessions of one visitor
-- reads: fact_sessions, fact_page_views
-- scope: the visitors with page views after :from_page_view_key (inside a transform, the
--        run's; `warehouse check` passes 0: every visitor). A tracker's sessions (given
--        session_ids) are the tracker's to cut, and are left out.
select
    earlier.session_scope,
    earlier.session_id as earlier_session_id,
    later.session_id as later_session_id,
    earlier.ended_at_us as earlier_ended_at_us,
    later.started_at_us as later_started_at_us
from fact_sessions as earlier
inner join fact_sessions as later
    on later.session_scope = earlier.session_scope
   and later.session_id <> earlier.session_id
   and later.started_at_us >= earlier.started_at_us
   and later.started_at_us <= earlier.ended_at_us
where earlier.session_id_derived = 1
  and later.session_id_derived = 1
  and (later.started_at_us > earlier.started_at_us or later.session_id > earlier.session_id)
  and (:from_page_view_key = 0            -- every visitor (a first load; `warehouse check`)
       or earlier.session_scope in (
           select session_scope
           from fact_page_views
           where page_view_key > :from_page_view_key
       ))
