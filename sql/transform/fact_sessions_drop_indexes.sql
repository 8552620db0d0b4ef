-- fact_sessions_drop_indexes: drop the session fact's indexes before a bulk write of sessions
-- grain: none (DDL); runs inside the transform's transaction, and
--        schema/fact_sessions_indexes.sql builds them again before the next step
drop index if exists fact_sessions_scope_start;

drop index if exists fact_sessions_visitor_key;

drop index if exists fact_sessions_order_id;
