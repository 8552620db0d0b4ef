-- dim_date: calendar dimension (grain: one row per calendar date)
-- keys: date_key PK as YYYYMMDD integer; full_date (YYYY-MM-DD) unique; date_key -1 is
--       the unknown date (full_date 9999-12-31, names 'Unknown': never a calendar day)
-- load: sql/transform/dim_date.sql adds every date from the first to the last fact date
create table if not exists dim_date (
    date_key      integer primary key,
    full_date     text    not null unique,
    year          integer not null,
    quarter       integer not null,
    month         integer not null,
    year_month    text    not null,
    month_name    text    not null,
    day_of_month  integer not null,
    day_of_week   integer not null,
    day_name      text    not null,
    is_weekend    integer not null check (is_weekend in (0, 1))
);
