-- record_schema_version: note that the warehouse is now at :version (grain: one etl_schema_versions row)
-- :name says how it got there: 'created' for a new warehouse, or the migration's name
insert into etl_schema_versions (version, name, release, applied_at)
values (:version, :name, :release, :applied_at)
