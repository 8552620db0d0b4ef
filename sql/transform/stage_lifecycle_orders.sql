-- stage_lifecycle_orders: the orders the run's change events touch (grain: one row per order_id)
-- keys: order_id
-- reads: raw_changes (loaded events of orders, payments and shipments staged in this run,
--        raw_id in (:from_raw_id, :to_raw_id]; a payment's or shipment's other events when
--        its own names no order: a delete may carry only the key), fact_order_lifecycle
--        (the day each order was placed before this run)
-- affected_from_date_key: the first day whose end-of-day status counts the run can
-- change for the order: its placing day as stored, or any earlier day an event carries.
delete from stage_lifecycle_orders;

insert into stage_lifecycle_orders (order_id, affected_from_date_key)
with run_event as (
    select
        case
            when event.table_name = 'orders' then event.row_key
            when event.order_id is not null then event.order_id
            else (
                select max(other.order_id)
                from raw_changes as other
                where other.table_name = event.table_name
                  and other.row_key = event.row_key
                  and other.load_status = 'loaded'
            )
        end as order_id,
        event.date_key,
        event.order_created_date_key,
        event.order_updated_date_key,
        event.payment_created_date_key,
        event.shipped_date_key,
        event.delivered_date_key
    from raw_changes as event
    where event.raw_id > :from_raw_id
      and event.raw_id <= :to_raw_id
      and event.load_status = 'loaded'
      and (event.table_name = 'orders' or event.table_name = 'payments'
           or event.table_name = 'shipments')
),

order_day as (
    select order_id, date_key as day_key from run_event
    union all
    select order_id, order_created_date_key from run_event
    union all
    select order_id, order_updated_date_key from run_event
    union all
    select order_id, payment_created_date_key from run_event
    union all
    select order_id, shipped_date_key from run_event
    union all
    select order_id, delivered_date_key from run_event
    union all
    select known.order_id, known.placed_date_key
    from fact_order_lifecycle as known
    where known.order_id in (select order_id from run_event)
)

select order_id, min(day_key)
from order_day
where order_id is not null
group by order_id
