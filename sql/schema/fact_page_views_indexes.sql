-- fact_page_views_indexes: the index the sessions are cut through
-- grain: one index entry per page view
-- load: created with the schema; a bulk transform drops it (transform/fact_page_views_drop_indexes.sql)
--       and runs this file again after the insert, which is faster than keeping it up
--       to date row by row. (session_scope, viewed_at_us, event_id) is the order the
--       sessions are cut in: transform/stage_page_view_sessions.sql reads each window's
--       page views through it, in that order; user_key and page_type_key, set once when
--       a view is added, are all else it reads of a view, so it never reads the table's
--       rows (a jump to another page of the file for most views). A warehouse made
--       before these two columns keeps its narrower index (same results, the table's
--       rows read) until its next bulk transform builds this one.
create index if not exists fact_page_views_scope_time
    on fact_page_views (session_scope, viewed_at_us, event_id, user_key, page_type_key);
