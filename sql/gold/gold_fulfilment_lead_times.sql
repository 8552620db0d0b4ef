-- gold_fulfilment_lead_times: how long orders take, step by step, by month placed and carrier (grain: one row per placed_month, carrier and step)
-- keys: (placed_month YYYY-MM, carrier, step); carrier '(none)' for orders not shipped
-- reads: fact_order_lifecycle, dim_date
-- step: placed_to_paid, paid_to_shipped, shipped_to_delivered, placed_to_delivered (hours,
-- orders that reached both ends). p50_hours / p90_hours are nearest-rank percentiles (the
-- smallest lag at or above that share of the orders), the same on every engine.
create view gold_fulfilment_lead_times as
with lag_row as (
    select calendar.year_month as placed_month, coalesce(lifecycle.carrier, '(none)') as carrier,
           'placed_to_paid' as step, lifecycle.placed_to_paid_hours as hours
    from fact_order_lifecycle as lifecycle
    inner join dim_date as calendar on calendar.date_key = lifecycle.placed_date_key
    where lifecycle.placed_to_paid_hours is not null
    union all
    select calendar.year_month, coalesce(lifecycle.carrier, '(none)'),
           'paid_to_shipped', lifecycle.paid_to_shipped_hours
    from fact_order_lifecycle as lifecycle
    inner join dim_date as calendar on calendar.date_key = lifecycle.placed_date_key
    where lifecycle.paid_to_shipped_hours is not null
    union all
    select calendar.year_month, coalesce(lifecycle.carrier, '(none)'),
           'shipped_to_delivered', lifecycle.shipped_to_delivered_hours
    from fact_order_lifecycle as lifecycle
    inner join dim_date as calendar on calendar.date_key = lifecycle.placed_date_key
    where lifecycle.shipped_to_delivered_hours is not null
    union all
    select calendar.year_month, coalesce(lifecycle.carrier, '(none)'),
           'placed_to_delivered', lifecycle.placed_to_delivered_hours
    from fact_order_lifecycle as lifecycle
    inner join dim_date as calendar on calendar.date_key = lifecycle.placed_date_key
    where lifecycle.placed_to_delivered_hours is not null
),

ranked as (
    select
        placed_month,
        carrier,
        step,
        hours,
        row_number() over (partition by placed_month, carrier, step order by hours) as position,
        count(*) over (partition by placed_month, carrier, step) as orders
    from lag_row
)

select
    placed_month,
    carrier,
    step,
    max(orders) as orders,
    min(case when position * 100 >= orders * 50 then hours end) as p50_hours,
    min(case when position * 100 >= orders * 90 then hours end) as p90_hours,
    max(hours) as max_hours
from ranked
group by placed_month, carrier, step
