-- dim_date (DuckDB dialect): calendar dimension (grain: as in dim_date.sql)
-- keys, load: as in dim_date.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds.
create table if not exists dim_date (
    date_key      bigint primary key,
    full_date     text    not null unique,
    year          bigint not null,
    quarter       bigint not null,
    month         bigint not null,
    year_month    text    not null,
    month_name    text    not null,
    day_of_month  bigint not null,
    day_of_week   bigint not null,
    day_name      text    not null,
    is_weekend    bigint not null check (is_weekend in (0, 1))
);
