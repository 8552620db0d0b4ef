-- raw_change_schemas (PostgreSQL dialect): each distinct wrapper schema of the change events, kept once (grain: as in raw_change_schemas.sql)
-- keys, load: as in raw_change_schemas.sql (same columns, same order)
-- Why a twin: text compared byte-wise (collate "C"), as on SQLite.
create table if not exists raw_change_schemas (
    schema_key          text    collate "C" primary key,
    schema_text         text    collate "C" not null
);
