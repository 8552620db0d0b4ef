-- daily_volume_anomaly: a day's order lines outside ±50% of the median of the 7 days before it
-- severity: warn
-- threshold: 50% (the bound parameter :volume_tolerance, 0.5)
-- grain of failing rows: one row per unusual calendar day (days with fewer than 7 days
-- before them in dim_date are not judged)
-- reads: dim_date, fact_orders
-- scope: the days that have fact lines after :from_order_key, i.e. inside a transform the
-- days the run added lines to (`warehouse check` passes 0: every day), and every day with
-- no line at all (a day whose file never came is judged in every run until it has lines).
-- Each judged day and the 7 before it are counted through the fact's date_key index, so a
-- small batch into a large warehouse counts a week's lines, not the whole fact.
with numbered_day as (
    -- dim_date has no gaps, so day numbers 7 apart are 7 calendar days apart
    select
        calendar.date_key,
        calendar.full_date,
        row_number() over (order by calendar.full_date) as day_number
    from dim_date as calendar
    where calendar.date_key <> -1          -- the unknown date is no calendar day
),

run_day as (
    select distinct sale.date_key
    from fact_orders as sale
    -- a closed range of the primary key, which the planner reads by key rather than
    -- scanning the date_key index
    where sale.order_key > :from_order_key
      and sale.order_key <= (select max(newest.order_key) from fact_orders as newest)
),

judged_day as (
    select numbered_day.date_key, numbered_day.full_date, numbered_day.day_number
    from numbered_day
    where numbered_day.day_number > 7
      and (
          numbered_day.date_key in (select run_day.date_key from run_day)
          or not exists (
              select 1
              from fact_orders as sale
              where sale.date_key = numbered_day.date_key
          )
      )
),

daily_lines as (
    -- the lines of each judged day and of the 7 days before it
    select
        numbered_day.day_number,
        (
            select count(*)
            from fact_orders as sale
            where sale.date_key = numbered_day.date_key
        ) as lines
    from numbered_day
    where exists (
        select 1
        from judged_day
        where numbered_day.day_number between judged_day.day_number - 7 and judged_day.day_number
    )
),

judged_lines as (
    select
        judged_day.full_date,
        today.lines,
        (
            select earlier.lines
            from daily_lines as earlier
            where earlier.day_number between today.day_number - 7 and today.day_number - 1
            order by earlier.lines
            limit 1 offset 3
        ) as median_of_previous_7
    from judged_day
    inner join daily_lines as today
        on today.day_number = judged_day.day_number
)

select full_date, lines, median_of_previous_7
from judged_lines
where lines < median_of_previous_7 * (1 - :volume_tolerance)
   or lines > median_of_previous_7 * (1 + :volume_tolerance)
order by full_date
