-- dim_date (DuckDB dialect): calendar rows (grain: as in schema/dim_date.sql)
-- keys: date_key YYYYMMDD
-- reads: dim_date itself, and :first_date / :last_date, the first and last date of the
--        rows staged in this run (bound from transform/transactions_date_range.sql or
--        transform/page_views_date_range.sql: every kind extends the same calendar)
-- Fills every date from the earliest to the latest date seen so far, so the calendar
-- has no gaps. Existing dates are left alone. The same rows as dim_date.sqlite.sql.
-- Why a twin: date arithmetic has no portable form: here a date minus a date is a number
-- of days, range() counts them, and strftime / monthname / dayname (always English) /
-- isodow give the parts; full_date is stored as YYYY-MM-DD text, as on SQLite.
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
        select cast(min(full_date) as date) from dim_date where date_key > 0    -- -1 is the unknown date
        union all
        select cast(max(full_date) as date) from dim_date where date_key > 0
    ) as candidate
),

calendar as (
    select cast(calendar_bounds.first_date + cast(day_number.range as integer) as date) as full_date
    from calendar_bounds
    cross join range(0, calendar_bounds.last_date - calendar_bounds.first_date + 1) as day_number
),

calendar_parts as (
    select
        full_date,
        year(full_date) as year,
        month(full_date) as month,
        day(full_date) as day_of_month,
        -- ISO day of week: Monday = 1 ... Sunday = 7
        isodow(full_date) as day_of_week
    from calendar
)

select
    year * 10000 + month * 100 + day_of_month as date_key,
    strftime(full_date, '%Y-%m-%d') as full_date,
    year,
    (month + 2) // 3 as quarter,
    month,
    strftime(full_date, '%Y-%m') as year_month,
    monthname(full_date) as month_name,
    day_of_month,
    day_of_week,
    dayname(full_date) as day_name,
    case when day_of_week in (6, 7) then 1 else 0 end as is_weekend
from calendar_parts
on conflict (date_key) do nothing
