-- dim_date_keys: every date has a key and a date, each unique, and the calendar has no gaps
-- severity: error
-- grain of failing rows: one row per offending date_key
-- reads: dim_date (its unknown date, key -1, is exempt from the spelling rule)
select date_key, full_date, 'duplicate full_date' as problem
from dim_date
where full_date in (
    select full_date from dim_date group by full_date having count(*) > 1
)
union all
select date_key, full_date, 'null key' as problem
from dim_date
where date_key is null or full_date is null
union all
select calendar.date_key, calendar.full_date, 'date_key does not spell full_date' as problem
from dim_date as calendar
where calendar.date_key <> -1
  and calendar.date_key <> calendar.year * 10000 + calendar.month * 100 + calendar.day_of_month
