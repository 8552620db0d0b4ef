-- fact_payments: payment transaction fact (grain: one row per payment_id)
-- keys: payment_key surrogate PK, given by sql/transform/fact_payments.sql (the next keys
--       after the highest so far, in payment_id order within a run); payment_id unique;
--       order_id degenerate dimension; date_key (the payment's creation day) references dim_date
-- measures: amount_cents (exact cents, Debezium's precise decimals decoded exactly);
--       status: authorised, captured, failed or refunded, as the payment is now
-- load: sql/transform/fact_payments.sql upserts the payments a run's change events touched,
--       from silver_payments_current; a deleted payment leaves the fact.
create table if not exists fact_payments (
    payment_key     integer primary key,
    payment_id      text    not null unique,
    order_id        text    not null,
    date_key        integer not null references dim_date (date_key),
    method          text    not null,
    amount_cents    integer not null check (amount_cents >= 0),
    currency        text    not null,
    status          text    not null
                    check (status = 'authorised' or status = 'captured' or status = 'failed'
                           or status = 'refunded'),
    created_at      text    not null,
    updated_at      text    not null
);

create index if not exists fact_payments_order_id on fact_payments (order_id);
