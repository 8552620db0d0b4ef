-- dim_page_type (PostgreSQL dialect): what kind of page a page view shows (grain: as in dim_page_type.sql)
-- keys and load: as schema/dim_page_type.sql (same columns, same order).
-- Why a twin: bigint key and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists dim_page_type (
    page_type_key   bigint  primary key,
    page_type       text    collate "C" not null unique,
    funnel_step     integer check (funnel_step between 1 and 4),
    description     text    collate "C" not null
);
