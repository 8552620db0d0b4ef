-- etl_schema_versions (PostgreSQL dialect): the schema versions this warehouse has been at (grain: as in etl_schema_versions.sql)
-- keys: version PK
-- load: as schema/etl_schema_versions.sql. Why a twin: timestamptz, text compared byte-wise.
create table if not exists etl_schema_versions (
    version     integer primary key,
    name        text    collate "C" not null,
    release     text    collate "C" not null,
    applied_at  timestamptz not null
);
