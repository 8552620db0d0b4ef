-- fact_sessions_indexes: the session fact's indexes: the sessions of a visitor's stretch of time
-- (transform/stage_session_windows.sql), of a visitor (identity stitching) and of an order
-- grain: one index entry per session per index
-- load: created with the schema; a bulk transform drops them (transform/fact_sessions_drop_indexes.sql)
--       and runs this file again after the sessions are written, which is cheaper than
--       keeping them up to date row by row
create index if not exists fact_sessions_scope_start
    on fact_sessions (session_scope, started_at_us);

create index if not exists fact_sessions_visitor_key
    on fact_sessions (visitor_key);

create index if not exists fact_sessions_order_id
    on fact_sessions (order_id);
