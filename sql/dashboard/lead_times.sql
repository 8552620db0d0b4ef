-- lead_times: hours from placed to delivered of the orders placed in one period, by carrier
-- (grain: one row per carrier with a delivered order)
-- reads: fact_order_lifecycle, dim_date
-- Nearest-rank percentiles, as gold_fulfilment_lead_times computes them.
with delivered as (
    select
        lifecycle.carrier,
        lifecycle.placed_to_delivered_hours as hours,
        row_number() over (partition by lifecycle.carrier
                           order by lifecycle.placed_to_delivered_hours) as position,
        count(*) over (partition by lifecycle.carrier) as orders
    from fact_order_lifecycle as lifecycle
    inner join dim_date as calendar
        on calendar.date_key = lifecycle.placed_date_key
    where calendar.full_date between :date_from and :date_to
      and lifecycle.placed_to_delivered_hours is not null
)

select
    carrier,
    max(orders) as orders,
    min(case when position * 100 >= orders * 50 then hours end) as p50_hours,
    min(case when position * 100 >= orders * 90 then hours end) as p90_hours
from delivered
group by carrier
order by carrier
