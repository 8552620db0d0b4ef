-- fact_order_lifecycle: recompute the accumulating snapshot rows of the run's orders (grain: one row per order_id)
-- keys: order_id; user_key looked up in dim_users (-1 when unknown); milestone date keys
--       -1 (the unknown date) while the milestone has not happened
-- reads: stage_lifecycle_orders (the orders this run touched), raw_changes (all their
--        loaded orders events), silver_orders_current (status now, deletes),
--        silver_payments_current, silver_shipments_current, fact_orders (the items), dim_users
-- Rule: a milestone's time is the first time the order reached that status (the
-- smallest updated_at of its events with that status; placed = created_at), so it is the
-- same whatever order the events arrive in. Lags in hours between milestones. An order
-- whose current row is a tombstone (deleted at the source) leaves the fact.
delete from fact_order_lifecycle
where order_id in (select order_id from stage_lifecycle_orders);

insert into fact_order_lifecycle (
    order_id, user_key, current_status,
    placed_at, paid_at, shipped_at, delivered_at, cancelled_at, refunded_at,
    placed_date_key, paid_date_key, shipped_date_key, delivered_date_key,
    cancelled_date_key, refunded_date_key,
    placed_us, paid_us, shipped_us, delivered_us, cancelled_us, refunded_us,
    placed_to_paid_hours, paid_to_shipped_hours, shipped_to_delivered_hours,
    placed_to_delivered_hours, carrier, items_total_cents, items_net_cents,
    captured_cents, refunded_cents, updated_at
)
with order_event as (
    select
        event.row_key as order_id,
        event.order_status,
        event.order_created_at,
        event.order_created_us,
        event.order_created_date_key,
        event.order_updated_at,
        event.order_updated_us,
        event.order_updated_date_key
    from raw_changes as event
    -- the row index finds the events' raw_ids alone (they are in its entries); the rows are
    -- then read in raw_id order, each page of Bronze once rather than once per event
    where event.raw_id in (
        select raw_id
        from raw_changes
        where load_status = 'loaded'
          and table_name = 'orders'
          and row_key in (select order_id from stage_lifecycle_orders)
    )
      and event.op <> 'd'
),

-- filter, not min(case ...): each aggregate skips the other statuses' events instead of
-- taking a null from each
milestone as (
    select
        order_id,
        min(order_created_at) as placed_at,
        min(order_created_us) as placed_us,
        min(order_created_date_key) as placed_date_key,
        min(order_updated_at) filter (where order_status = 'paid') as paid_at,
        min(order_updated_us) filter (where order_status = 'paid') as paid_us,
        min(order_updated_date_key) filter (where order_status = 'paid') as paid_date_key,
        min(order_updated_at) filter (where order_status = 'shipped') as shipped_at,
        min(order_updated_us) filter (where order_status = 'shipped') as shipped_us,
        min(order_updated_date_key) filter (where order_status = 'shipped') as shipped_date_key,
        min(order_updated_at) filter (where order_status = 'delivered') as delivered_at,
        min(order_updated_us) filter (where order_status = 'delivered') as delivered_us,
        min(order_updated_date_key) filter (where order_status = 'delivered') as delivered_date_key,
        min(order_updated_at) filter (where order_status = 'cancelled') as cancelled_at,
        min(order_updated_us) filter (where order_status = 'cancelled') as cancelled_us,
        min(order_updated_date_key) filter (where order_status = 'cancelled') as cancelled_date_key,
        min(order_updated_at) filter (where order_status = 'refunded') as refunded_at,
        min(order_updated_us) filter (where order_status = 'refunded') as refunded_us,
        min(order_updated_date_key) filter (where order_status = 'refunded') as refunded_date_key
    from order_event
    group by order_id
),

payment as (
    select
        order_id,
        sum(case when status = 'captured' then amount_cents else 0 end) as captured_cents,
        sum(case when status = 'refunded' then amount_cents else 0 end) as refunded_cents
    from silver_payments_current
    where is_deleted = 0
      and order_id in (select order_id from stage_lifecycle_orders)
    group by order_id
),

shipment as (
    select order_id, max(carrier) as carrier
    from silver_shipments_current
    where is_deleted = 0
      and order_id in (select order_id from stage_lifecycle_orders)
    group by order_id
),

item as (
    select
        order_id,
        sum(total_amount_cents) as items_total_cents,
        sum(case when status = 'completed' then total_amount_cents else 0 end) as items_net_cents
    from fact_orders
    where order_id in (select order_id from stage_lifecycle_orders)
    group by order_id
)

select
    milestone.order_id,
    coalesce(customer.user_key, -1),
    current_row.status,
    milestone.placed_at,
    milestone.paid_at,
    milestone.shipped_at,
    milestone.delivered_at,
    milestone.cancelled_at,
    milestone.refunded_at,
    milestone.placed_date_key,
    coalesce(milestone.paid_date_key, -1),
    coalesce(milestone.shipped_date_key, -1),
    coalesce(milestone.delivered_date_key, -1),
    coalesce(milestone.cancelled_date_key, -1),
    coalesce(milestone.refunded_date_key, -1),
    milestone.placed_us,
    milestone.paid_us,
    milestone.shipped_us,
    milestone.delivered_us,
    milestone.cancelled_us,
    milestone.refunded_us,
    cast(milestone.paid_us - milestone.placed_us as double precision) / 3600000000,
    cast(milestone.shipped_us - milestone.paid_us as double precision) / 3600000000,
    cast(milestone.delivered_us - milestone.shipped_us as double precision) / 3600000000,
    cast(milestone.delivered_us - milestone.placed_us as double precision) / 3600000000,
    shipment.carrier,
    coalesce(item.items_total_cents, 0),
    coalesce(item.items_net_cents, 0),
    coalesce(payment.captured_cents, 0),
    coalesce(payment.refunded_cents, 0),
    :now
from milestone
inner join silver_orders_current as current_row
    on current_row.order_id = milestone.order_id
   and current_row.is_deleted = 0
left join dim_users as customer
    on customer.user_id = current_row.user_id
left join payment
    on payment.order_id = milestone.order_id
left join shipment
    on shipment.order_id = milestone.order_id
left join item
    on item.order_id = milestone.order_id
where milestone.placed_us is not null
