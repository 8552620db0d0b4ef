-- 0005_change_identity (DuckDB dialect): from version 4 to version 5 (as 0005_change_identity.sql)
-- raw_changes no longer stores change_id (see the portable file); a DuckDB raw_changes has
-- no index to drop (no partial indexes in DuckDB).
-- Why a twin: DuckDB says "if exists" for the column, as PostgreSQL does; its warehouses
--       all have raw_changes (the engine came with version 3).
drop view if exists raw_changes_received;

alter table raw_changes drop column if exists change_id
