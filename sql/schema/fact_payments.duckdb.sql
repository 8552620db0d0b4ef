-- fact_payments (DuckDB dialect): payment transaction fact (grain: as in fact_payments.sql)
-- keys, load: as in fact_payments.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an in-memory index for each.
create table if not exists fact_payments (
    payment_key     bigint primary key,
    payment_id      text    not null unique,
    order_id        text    not null,
    date_key        bigint not null,
    method          text    not null,
    amount_cents    bigint not null check (amount_cents >= 0),
    currency        text    not null,
    status          text    not null
                    check (status = 'authorised' or status = 'captured' or status = 'failed'
                           or status = 'refunded'),
    created_at      text    not null,
    updated_at      text    not null
);

create index if not exists fact_payments_order_id on fact_payments (order_id);
