-- 0004_change_schemas (PostgreSQL dialect): from version 3 to version 4 (as 0004_change_schemas.sql)
-- raw_changes gains schema_key (see the portable file); the rows already loaded keep their
-- whole text. A version-2 warehouse has no raw_changes yet: sql/schema/raw_changes.postgresql.sql
-- creates it, with the column, after the migrations.
-- Why a twin: PostgreSQL adds a column only where the table exists and lacks it (SQLite
--       cannot say so, and creates version 3's table first instead); text compared byte-wise.
alter table if exists raw_changes add column if not exists schema_key text collate "C";
