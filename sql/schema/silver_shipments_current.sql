-- silver_shipments_current: the shipments table as its change events leave it (grain: one row per shipment_id)
-- keys: shipment_id PK (the source row's key); order_id the order it carries
-- load: sql/transform/silver_shipments_current.sql, the same merge as silver_orders_current
--       (newest event by source ts_ms, then position, wins; deletes leave a tombstone)
create table if not exists silver_shipments_current (
    shipment_id         text    primary key,
    order_id            text,
    carrier             text,
    shipped_at          text,
    shipped_us          integer,
    delivered_at        text,
    delivered_us        integer,
    is_deleted          integer not null check (is_deleted = 0 or is_deleted = 1),
    version_ts_ms       integer not null,
    version_position    integer not null
);

-- the lifecycle reads an order's shipments (transform/fact_order_lifecycle.sql)
create index if not exists silver_shipments_current_order_id
    on silver_shipments_current (order_id);
