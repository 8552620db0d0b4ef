-- changes_date_range (SQLite dialect): the first and last date of the run's change events (grain: as in changes_date_range.sql)
-- reads: raw_changes, as changes_date_range.sql
-- Why a twin: SQLite has no make_date; a date is YYYY-MM-DD text, spelt with printf.
with column_bounds as (
    select
        min(date_key) as day_first, max(date_key) as day_last,
        min(order_created_date_key) as order_created_first,
        max(order_created_date_key) as order_created_last,
        min(order_updated_date_key) as order_updated_first,
        max(order_updated_date_key) as order_updated_last,
        min(payment_created_date_key) as payment_created_first,
        max(payment_created_date_key) as payment_created_last,
        min(shipped_date_key) as shipped_first, max(shipped_date_key) as shipped_last,
        min(delivered_date_key) as delivered_first, max(delivered_date_key) as delivered_last
    from raw_changes
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and load_status = 'loaded'
      and known_table = 1
),

day_key as (
    select day_first as day_key from column_bounds
    union all select day_last from column_bounds
    union all select order_created_first from column_bounds
    union all select order_created_last from column_bounds
    union all select order_updated_first from column_bounds
    union all select order_updated_last from column_bounds
    union all select payment_created_first from column_bounds
    union all select payment_created_last from column_bounds
    union all select shipped_first from column_bounds
    union all select shipped_last from column_bounds
    union all select delivered_first from column_bounds
    union all select delivered_last from column_bounds
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
