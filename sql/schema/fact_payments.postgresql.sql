-- fact_payments (PostgreSQL dialect): payment transaction fact (grain: as in fact_payments.sql)
-- keys, load: as schema/fact_payments.sql (same columns, same order).
-- Why a twin: PostgreSQL types: bigint keys, cents and epochs, timestamptz, double
--       precision, and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists fact_payments (
    payment_key     bigint primary key,
    payment_id      text collate "C" not null unique,
    order_id        text collate "C" not null,
    date_key        integer not null references dim_date (date_key),
    method          text collate "C" not null,
    amount_cents    bigint not null check (amount_cents >= 0),
    currency        text collate "C" not null,
    status          text collate "C" not null
                    check (status = 'authorised' or status = 'captured' or status = 'failed'
                           or status = 'refunded'),
    created_at      timestamptz not null,
    updated_at      timestamptz not null
);

create index if not exists fact_payments_order_id on fact_payments (order_id);
