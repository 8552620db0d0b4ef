-- gold_gmv_daily: gross merchandise value and what became of it, per day orders were placed (grain: one row per placed_date)
-- keys: placed_date (YYYY-MM-DD)
-- reads: fact_order_lifecycle, dim_date
-- gmv_cents: the items of every order placed that day (all statuses, exact cents);
-- delivered_cents / cancelled_cents / refunded_cents: the part of it now in that status;
-- in_flight_orders: placed, paid or shipped, not yet delivered, cancelled or refunded.
create view gold_gmv_daily as
select
    calendar.full_date as placed_date,
    count(*) as orders,
    cast(sum(lifecycle.items_total_cents) as bigint) as gmv_cents,
    cast(sum(case when lifecycle.current_status = 'delivered'
                  then lifecycle.items_total_cents else 0 end) as bigint) as delivered_cents,
    cast(sum(case when lifecycle.current_status = 'cancelled'
                  then lifecycle.items_total_cents else 0 end) as bigint) as cancelled_cents,
    cast(sum(case when lifecycle.current_status = 'refunded'
                  then lifecycle.items_total_cents else 0 end) as bigint) as refunded_cents,
    sum(case when lifecycle.current_status = 'placed' or lifecycle.current_status = 'paid'
                  or lifecycle.current_status = 'shipped' then 1 else 0 end) as in_flight_orders,
    cast(sum(lifecycle.captured_cents) as bigint) as captured_cents
from fact_order_lifecycle as lifecycle
inner join dim_date as calendar
    on calendar.date_key = lifecycle.placed_date_key
group by calendar.full_date
