-- dim_page_type (DuckDB dialect): what kind of page a page view shows (grain: as in dim_page_type.sql)
-- keys, load: as in dim_page_type.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds.
create table if not exists dim_page_type (
    page_type_key   bigint primary key,
    page_type       text    not null unique,
    funnel_step     bigint check (funnel_step between 1 and 4),
    description     text    not null
);
