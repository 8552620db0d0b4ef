-- stage_lifecycle_orders: the orders the run's change events touch (grain: one row per order_id)
-- keys: order_id
-- reads: raw_changes (loaded events of orders, payments and shipments staged in this run,
--        raw_id in (:from_raw_id, :to_raw_id]; a payment's or shipment's other events when
--        its own names no order: a delete may carry only the key), fact_order_lifecycle
--        (the day each order was placed before this run)
-- affected_from_date_key: the first day whose end-of-day status counts the run can change
-- for the order: a status comes from the orders table's events only, so for an order whose
-- orders events changed it is the earliest of its placing day as stored and the days its
-- new events carry; null when only its payments or shipments changed (its lifecycle row
-- is recomputed, its status counts are not).
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
        case when event.table_name = 'orders' then 1 else 0 end as is_order_event,
        event.order_created_date_key,
        event.order_updated_date_key
    from raw_changes as event
    where event.raw_id > :from_raw_id
      and event.raw_id <= :to_raw_id
      and event.load_status = 'loaded'
      -- || '': read the run's raw_id range (these tables are most of the events), not every
      -- event of the history through the index on table_name
      and (event.table_name || '' = 'orders' or event.table_name || '' = 'payments'
           or event.table_name || '' = 'shipments')
),

touched as (
    select
        order_id,
        max(is_order_event) as status_may_change,
        min(case
                when order_updated_date_key is null or order_created_date_key <= order_updated_date_key
                then order_created_date_key else order_updated_date_key
            end) as first_new_day
    from run_event
    where order_id is not null
    group by order_id
)

select
    touched.order_id,
    case
        when touched.status_may_change = 0 then null
        when known.placed_date_key is null or touched.first_new_day <= known.placed_date_key
            then coalesce(touched.first_new_day, known.placed_date_key)
        else known.placed_date_key
    end
from touched
left join fact_order_lifecycle as known
    on known.order_id = touched.order_id
