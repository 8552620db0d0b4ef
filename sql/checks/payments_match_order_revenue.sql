-- payments_match_order_revenue: for every delivered or refunded order, the payments
-- captured (net of refunds: a refunded payment no longer counts) equal the order-line net
-- revenue (its completed lines in fact_orders)
-- severity: warn
-- grain of failing rows: one row per order whose payments and order lines differ, with both
--   amounts and the difference in cents
-- reads: fact_order_lifecycle (captured_cents and items_net_cents, kept up to date by the
--        transform from fact_payments' source and fact_orders), stage_lifecycle_orders
-- scope: inside a transform, the orders its change events touched; `warehouse check`
--        (from_raw_id 0) every order
-- A warning that reports the differences, not an error that hides the data: two systems
-- disagree (a quarantined order line, a payment still on its way), and a reader should see
-- by how much. Orders not yet delivered are left out: their money is still moving.
select
    order_id,
    current_status,
    captured_cents,
    items_net_cents,
    captured_cents - items_net_cents as difference_cents
from fact_order_lifecycle
where (:from_raw_id = 0 or order_id in (select order_id from stage_lifecycle_orders))
  and (current_status = 'delivered' or current_status = 'refunded')
  and captured_cents <> items_net_cents
order by order_id
