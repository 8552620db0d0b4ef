-- 0004_change_schemas (DuckDB dialect): from version 3 to version 4 (as 0004_change_schemas.sql)
-- raw_changes gains schema_key (see the portable file); the rows already loaded keep their
-- whole text. Every DuckDB warehouse is of version 3 or later (the engine came with it), so
-- raw_changes exists.
-- Why a twin: the portable file creates version 3's raw_changes with SQLite's types for a
--       version-2 warehouse, which DuckDB never has.
alter table raw_changes add column if not exists schema_key text;
