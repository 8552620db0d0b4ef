-- order_status_daily: orders in each status at the end of each day of one period
-- (grain: one row per day and status)
-- reads: fact_order_status_daily (the periodic snapshot), dim_date (the categories do not
-- apply: an order's status is the order's, not a line's)
select
    calendar.full_date as day,
    snapshot.status,
    snapshot.orders
from fact_order_status_daily as snapshot
inner join dim_date as calendar
    on calendar.date_key = snapshot.date_key
where calendar.full_date between :date_from and :date_to
order by calendar.full_date, snapshot.status
