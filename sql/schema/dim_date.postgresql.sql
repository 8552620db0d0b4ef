-- dim_date (PostgreSQL dialect): calendar dimension (grain: as in dim_date.sql)
-- keys: date_key PK as YYYYMMDD integer; full_date unique; date_key -1 is the unknown date
-- load: as schema/dim_date.sql (same columns, same order). Why a twin: full_date is
--       a real date on PostgreSQL (YYYY-MM-DD text on SQLite); names compare byte-wise.
create table if not exists dim_date (
    date_key      integer primary key,
    full_date     date    not null unique,
    year          integer not null,
    quarter       integer not null,
    month         integer not null,
    year_month    text    collate "C" not null,
    month_name    text    collate "C" not null,
    day_of_month  integer not null,
    day_of_week   integer not null,
    day_name      text    collate "C" not null,
    is_weekend    integer not null check (is_weekend in (0, 1))
);
