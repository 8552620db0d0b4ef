-- changes_date_range (SQLite dialect): the first and last date of the run's change events (grain: as in changes_date_range.sql)
-- reads: raw_changes, as changes_date_range.sql
-- Why a twin: SQLite has no make_date; a date is YYYY-MM-DD text, spelt with printf.
with event_day as (
    select date_key as day_key, order_created_date_key, order_updated_date_key,
           payment_created_date_key, shipped_date_key, delivered_date_key
    from raw_changes
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and load_status = 'loaded'
      and known_table = 1
),

day_key as (
    select day_key from event_day
    union all select order_created_date_key from event_day
    union all select order_updated_date_key from event_day
    union all select payment_created_date_key from event_day
    union all select shipped_date_key from event_day
    union all select delivered_date_key from event_day
),

bounds as (
    select min(day_key) as first_key, max(day_key) as last_key
    from day_key
)

select
    case when first_key is not null
         then printf('%04d-%02d-%02d', first_key / 10000, first_key / 100 % 100, first_key % 100)
    end as first_date,
    case when last_key is not null
         then printf('%04d-%02d-%02d', last_key / 10000, last_key / 100 % 100, last_key % 100)
    end as last_date
from bounds
