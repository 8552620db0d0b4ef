-- fact_sessions_indexes (DuckDB dialect): the fact keeps no secondary index on DuckDB
-- grain: none (DDL): drops any index of the portable file's names
-- Why a twin: DuckDB reads by column scans and hash joins, which its zone maps serve;
--       an ART index here would only be held in memory and kept up on every insert.
drop index if exists fact_sessions_scope_start;

drop index if exists fact_sessions_visitor_key;

drop index if exists fact_sessions_order_id;

