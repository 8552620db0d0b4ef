-- fact_page_views_drop_indexes: drop the page views' index before a bulk insert
-- grain: none (DDL); runs inside the transform's transaction, and
--        schema/fact_page_views_indexes.sql builds it again before the sessions are cut
drop index if exists fact_page_views_scope_time
