-- daily_volume_anomaly: a day's order lines outside ±50% of the median of the 7 days before it
-- severity: warn
-- threshold: 50% (the bound parameter :volume_tolerance, 0.5)
-- grain of failing rows: one row per unusual calendar day (days with fewer than 7 days
-- before them in dim_date are not judged)
-- reads: dim_date, fact_orders
with daily_lines as (
    select
        calendar.full_date,
        row_number() over (order by calendar.full_date) as day_number,
        count(sale.order_key) as lines
    from dim_date as calendar
    left join fact_orders as sale
        on sale.date_key = calendar.date_key
    group by calendar.full_date
),

judged_day as (
    select
        today.full_date,
        today.lines,
        (
            select earlier.lines
            from daily_lines as earlier
            where earlier.day_number between today.day_number - 7 and today.day_number - 1
            order by earlier.lines
            limit 1 offset 3
        ) as median_of_previous_7
    from daily_lines as today
    where today.day_number > 7
)

select full_date, lines, median_of_previous_7
from judged_day
where lines < median_of_previous_7 * (1 - :volume_tolerance)
   or lines > median_of_previous_7 * (1 + :volume_tolerance)
