-- silver_payments_current (PostgreSQL dialect): the payments table as its change events leave it (grain: as in silver_payments_current.sql)
-- keys, load: as schema/silver_payments_current.sql (same columns, same order).
-- Why a twin: PostgreSQL types: bigint keys, cents and epochs, timestamptz, double
--       precision, and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists silver_payments_current (
    payment_id          text collate "C" primary key,
    order_id            text collate "C",
    method              text collate "C",
    amount_cents        bigint check (amount_cents >= 0),
    currency            text collate "C",
    status              text collate "C",
    created_at          timestamptz,
    created_us          bigint,
    created_date_key    integer,
    is_deleted          integer not null check (is_deleted in (0, 1)),
    version_ts_ms       bigint not null,
    version_position    bigint not null
);

-- the lifecycle reads an order's payments (transform/fact_order_lifecycle.sql)
create index if not exists silver_payments_current_order_id
    on silver_payments_current (order_id);
