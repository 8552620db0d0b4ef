-- etl_schema_versions (DuckDB dialect): the schema versions this warehouse has been at (grain: as in etl_schema_versions.sql)
-- keys, load: as in etl_schema_versions.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds.
create table if not exists etl_schema_versions (
    version     bigint primary key,
    name        text    not null,
    release     text    not null,
    applied_at  text    not null
);
