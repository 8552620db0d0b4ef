-- dim_date (SQLite dialect): calendar rows (grain: as in schema/dim_date.sql)
-- keys: date_key YYYYMMDD
-- reads: dim_date itself, and :first_date / :last_date, the first and last date of the
--        rows staged in this run (bound from transform/transactions_date_range.sql or
--        transform/page_views_date_range.sql: every kind extends the same calendar)
-- Fills every date from the earliest to the latest date seen so far, so the calendar
-- has no gaps. SQLite has no date type or month names: dates are YYYY-MM-DD text,
-- date arithmetic uses date(d, '+1 day') and names come from a CASE. Existing
-- dates are left alone.
insert into dim_date (
    date_key, full_date, year, quarter, month, year_month, month_name,
    day_of_month, day_of_week, day_name, is_weekend
)
    with recursive calendar_bounds as (
        select
            min(bound_date) as first_date,
            max(bound_date) as last_date
        from (
            select :first_date as bound_date
            union all
            select :last_date
            union all
            select min(full_date) from dim_date where date_key > 0    -- -1 is the unknown date
            union all
            select max(full_date) from dim_date where date_key > 0
        ) as candidate
    ),

    calendar (full_date) as (
        select first_date
        from calendar_bounds
        where first_date is not null
        union all
        select date(calendar.full_date, '+1 day')
        from calendar, calendar_bounds
        where calendar.full_date < calendar_bounds.last_date
    ),

    calendar_parts as (
        select
            full_date,
            cast(strftime('%Y', full_date) as integer) as year,
            cast(strftime('%m', full_date) as integer) as month,
            cast(strftime('%d', full_date) as integer) as day_of_month,
            -- strftime('%w') counts from Sunday = 0; ISO counts from Monday = 1
            (cast(strftime('%w', full_date) as integer) + 6) % 7 + 1 as day_of_week
        from calendar
    )

select
    year * 10000 + month * 100 + day_of_month as date_key,
    full_date,
    year,
    (month + 2) / 3 as quarter,
    month,
    substr(full_date, 1, 7) as year_month,
    case month
        when 1 then 'January' when 2 then 'February' when 3 then 'March'
        when 4 then 'April' when 5 then 'May' when 6 then 'June'
        when 7 then 'July' when 8 then 'August' when 9 then 'September'
        when 10 then 'October' when 11 then 'November' else 'December'
    end as month_name,
    day_of_month,
    day_of_week,
    case day_of_week
        when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday'
        when 4 then 'Thursday' when 5 then 'Friday' when 6 then 'Saturday'
        else 'Sunday'
    end as day_name,
    case when day_of_week in (6, 7) then 1 else 0 end as is_weekend
from calendar_parts
where true
on conflict (date_key) do nothing
