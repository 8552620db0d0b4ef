-- order_lifecycle_orders_exist: every order in the lifecycle has its lines in fact_orders
-- severity: warn
-- grain of failing rows: one row per lifecycle order with no line in fact_orders
-- reads: fact_order_lifecycle, fact_orders (its order_id index)
-- scope: inside a transform, the orders its change events touched (stage_lifecycle_orders);
--        `warehouse check` (from_raw_id 0) every lifecycle order, so the warning is there
--        on demand until the lines come (one look-up in fact_orders' order_id index each)
-- A warning, not an error: change events and order lines are files of their own, and an
-- order's change events may come before its lines (the lifecycle's items totals follow
-- when they do: transform/fact_order_lifecycle_items.sql). An order that never comes is
-- worth a look: a lost file, or a source table the order lines do not cover.
select lifecycle.order_id, lifecycle.current_status, lifecycle.placed_at
from fact_order_lifecycle as lifecycle
where (:from_raw_id = 0 or lifecycle.order_id in (select order_id from stage_lifecycle_orders))
  and not exists (
    select 1
    from fact_orders as sale
    where sale.order_id = lifecycle.order_id
)
order by lifecycle.order_id
