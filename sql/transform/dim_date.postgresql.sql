-- dim_date (PostgreSQL dialect): calendar rows (grain: as in schema/dim_date.sql)
-- keys: date_key YYYYMMDD
-- reads: dim_date itself, and :first_date / :last_date, the first and last date of the
--        rows staged in this run (bound from transform/transactions_date_range.sql or
--        transform/page_views_date_range.sql: every kind extends the same calendar)
-- Fills every date from the earliest to the latest date seen so far, so the calendar
-- has no gaps. Existing dates are left alone. The same rows as dim_date.sqlite.sql.
-- Why a twin: dates are a real type here: date + integer steps a day
-- (generate_series) and to_char/extract give the parts; month and day names are
-- to_char's 'FMMonth' / 'FMDay', always English (no TM prefix), as on SQLite.
insert into dim_date (
    date_key, full_date, year, quarter, month, year_month, month_name,
    day_of_month, day_of_week, day_name, is_weekend
)
with calendar_bounds as (
    select
        min(bound_date) as first_date,
        max(bound_date) as last_date
    from (
        select cast(:first_date as date) as bound_date
        union all
        select cast(:last_date as date)
        union all
        select min(full_date) from dim_date where date_key > 0    -- -1 is the unknown date
        union all
        select max(full_date) from dim_date where date_key > 0
    ) as candidate
),

calendar as (
    select calendar_bounds.first_date + day_number as full_date
    from calendar_bounds
    cross join generate_series(0, calendar_bounds.last_date - calendar_bounds.first_date)
        as day_number
),

calendar_parts as (
    select
        full_date,
        cast(extract(year from full_date) as integer) as year,
        cast(extract(month from full_date) as integer) as month,
        cast(extract(day from full_date) as integer) as day_of_month,
        -- ISO day of week: Monday = 1 ... Sunday = 7
        cast(extract(isodow from full_date) as integer) as day_of_week
    from calendar
)

select
    year * 10000 + month * 100 + day_of_month as date_key,
    full_date,
    year,
    (month + 2) / 3 as quarter,
    month,
    to_char(full_date, 'YYYY-MM') as year_month,
    to_char(full_date, 'FMMonth') as month_name,
    day_of_month,
    day_of_week,
    to_char(full_date, 'FMDay') as day_name,
    case when day_of_week in (6, 7) then 1 else 0 end as is_weekend
from calendar_parts
on conflict (date_key) do nothing
