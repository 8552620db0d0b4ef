-- order_status_daily_reconcile: on the periodic snapshot's last day, the orders counted in
-- every status add up to the orders placed by then in the lifecycle
-- severity: error
-- grain of failing rows: at most one row, with both counts
-- reads: fact_order_status_daily, fact_order_lifecycle
with last_day as (
    select max(date_key) as date_key
    from fact_order_status_daily
),

snapshot_side as (
    select coalesce(sum(orders), 0) as orders
    from fact_order_status_daily
    where date_key = (select date_key from last_day)
),

lifecycle_side as (
    select count(*) as orders
    from fact_order_lifecycle
    where placed_date_key <= (select date_key from last_day)
)

select
    (select date_key from last_day) as date_key,
    snapshot_side.orders as snapshot_orders,
    lifecycle_side.orders as lifecycle_orders
from snapshot_side
cross join lifecycle_side
where (select date_key from last_day) is not null
  and snapshot_side.orders <> lifecycle_side.orders
