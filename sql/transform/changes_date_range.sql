-- changes_date_range: the first and last date the change events staged in this run carry (grain: one row; both null when none)
-- reads: raw_changes (loaded events, raw_id in (:from_raw_id, :to_raw_id]): each event's
--        own time and the days of its row's times (date keys YYYYMMDD)
-- Bound into transform/dim_date.sql, which extends the calendar to cover them (an old
-- order read by a snapshot is placed on a day no other file brought). One pass over the
-- run's events takes each column's first and last day; the outer query the extremes.
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
    make_date(cast(first_key / 10000 as integer), cast(first_key / 100 % 100 as integer),
              cast(first_key % 100 as integer)) as first_date,
    make_date(cast(last_key / 10000 as integer), cast(last_key / 100 % 100 as integer),
              cast(last_key % 100 as integer)) as last_date
from bounds
