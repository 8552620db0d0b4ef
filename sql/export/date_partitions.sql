-- date_partitions: the year and month each calendar date falls in, for `warehouse export`
-- grain: one row per date_key of dim_date (the unknown date, -1, falls in 9999-12, as its
--        full_date 9999-12-31 says)
-- keys: date_key
-- reads: dim_date
-- A fact is written in Hive partitions year=YYYY/month=M by the date its date_key names.
select
    date_key,
    year,
    month
from dim_date
order by date_key
