-- silver_shipments_current (PostgreSQL dialect): the shipments table as its change events leave it (grain: as in silver_shipments_current.sql)
-- keys, load: as schema/silver_shipments_current.sql (same columns, same order).
-- Why a twin: PostgreSQL types: bigint keys, cents and epochs, timestamptz, double
--       precision, and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists silver_shipments_current (
    shipment_id         text collate "C" primary key,
    order_id            text collate "C",
    carrier             text collate "C",
    shipped_at          timestamptz,
    shipped_us          bigint,
    delivered_at        timestamptz,
    delivered_us        bigint,
    is_deleted          integer not null check (is_deleted in (0, 1)),
    version_ts_ms       bigint not null,
    version_position    bigint not null
);

-- the lifecycle reads an order's shipments (transform/fact_order_lifecycle.sql)
create index if not exists silver_shipments_current_order_id
    on silver_shipments_current (order_id);
