-- silver_shipments_current (DuckDB dialect): the shipments table as its change events leave it (grain: as in silver_shipments_current.sql)
-- keys, load: as in silver_shipments_current.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds.
create table if not exists silver_shipments_current (
    shipment_id         text    primary key,
    order_id            text,
    carrier             text,
    shipped_at          text,
    shipped_us          bigint,
    delivered_at        text,
    delivered_us        bigint,
    is_deleted          bigint not null check (is_deleted = 0 or is_deleted = 1),
    version_ts_ms       bigint not null,
    version_position    bigint not null
);

-- the lifecycle reads an order's shipments (transform/fact_order_lifecycle.sql)
create index if not exists silver_shipments_current_order_id
    on silver_shipments_current (order_id);
