-- changes_date_range: the first and last date the change events staged in this run carry (grain: one row; both null when none)
-- reads: raw_changes (loaded events, raw_id in (:from_raw_id, :to_raw_id]): each event's
--        own time and the days of its row's times (date keys YYYYMMDD)
-- Bound into transform/dim_date.sql, which extends the calendar to cover them (an old
-- order read by a snapshot is placed on a day no other file brought).
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
    make_date(cast(first_key / 10000 as integer), cast(first_key / 100 % 100 as integer),
              cast(first_key % 100 as integer)) as first_date,
    make_date(cast(last_key / 10000 as integer), cast(last_key / 100 % 100 as integer),
              cast(last_key % 100 as integer)) as last_date
from bounds
