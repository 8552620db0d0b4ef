-- stage_lifecycle_orders: the orders whose lifecycle a run recomputes (grain: one row per order_id)
-- keys: order_id PK
-- load: sql/transform/stage_lifecycle_orders.sql empties it and adds every order named
--       by the run's change events (orders, payments, shipments; a payment or shipment
--       deleted with only its key is traced to its order through its other events), with
--       the first day its status counts can change (affected_from_date_key: the order's
--       placing day, before or after the run, or an earlier day the run's events carry).
--       fact_order_lifecycle and fact_order_status_daily then recompute from it.
create table if not exists stage_lifecycle_orders (
    order_id                text    primary key,
    affected_from_date_key  integer
);
