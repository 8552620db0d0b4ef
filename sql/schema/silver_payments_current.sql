-- silver_payments_current: the payments table as its change events leave it (grain: one row per payment_id)
-- keys: payment_id PK (the source row's key); order_id the order it pays
-- load: sql/transform/silver_payments_current.sql, the same merge as silver_orders_current
--       (newest event by source ts_ms, then position, wins; deletes leave a tombstone)
create table if not exists silver_payments_current (
    payment_id          text    primary key,
    order_id            text,
    method              text,
    amount_cents        integer check (amount_cents >= 0),
    currency            text,
    status              text,
    created_at          text,
    created_us          integer,
    created_date_key    integer,
    is_deleted          integer not null check (is_deleted = 0 or is_deleted = 1),
    version_ts_ms       integer not null,
    version_position    integer not null
);

-- the lifecycle reads an order's payments (transform/fact_order_lifecycle.sql)
create index if not exists silver_payments_current_order_id
    on silver_payments_current (order_id);
