-- silver_payments_current (DuckDB dialect): the payments table as its change events leave it (grain: as in silver_payments_current.sql)
-- keys, load: as in silver_payments_current.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds.
create table if not exists silver_payments_current (
    payment_id          text    primary key,
    order_id            text,
    method              text,
    amount_cents        bigint check (amount_cents >= 0),
    currency            text,
    status              text,
    created_at          text,
    created_us          bigint,
    created_date_key    bigint,
    is_deleted          bigint not null check (is_deleted = 0 or is_deleted = 1),
    version_ts_ms       bigint not null,
    version_position    bigint not null
);

-- the lifecycle reads an order's payments (transform/fact_order_lifecycle.sql)
create index if not exists silver_payments_current_order_id
    on silver_payments_current (order_id);
