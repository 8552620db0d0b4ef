-- 0005_change_identity (PostgreSQL dialect): from version 4 to version 5 (as 0005_change_identity.sql)
-- raw_changes no longer stores change_id (see the portable file). A version-2 warehouse has
-- no raw_changes yet: sql/schema/raw_changes.postgresql.sql creates it, without the column,
-- after the migrations.
-- Why a twin: PostgreSQL drops a column only where the table exists and has it (SQLite
--       cannot say so; its version-2 warehouses got version 3's table from 0004).
drop view if exists raw_changes_received;

drop index if exists raw_changes_loaded_change_id;

alter table if exists raw_changes drop column if exists change_id
