-- etl_schema_versions: the schema versions this warehouse has been at (grain: one row per schema version the warehouse has been at)
-- keys: version PK (1 is the schema of release 0.1.0, which had no such table)
-- load: one row when a warehouse is created (at the release's version) and one per
--       migration applied to it (model/schema.py's MIGRATIONS, sql/migrations/). The
--       warehouse's version is the highest; a release refuses a warehouse newer than it.
create table if not exists etl_schema_versions (
    version     integer primary key,
    name        text    not null,
    release     text    not null,
    applied_at  text    not null
);
