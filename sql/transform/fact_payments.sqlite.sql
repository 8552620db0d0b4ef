-- fact_payments (SQLite dialect): upsert the payments the run's change events touched (grain: as in fact_payments.sql)
-- keys: payment_key as fact_payments.sql gives it (a new payment takes the next key after
--       the highest so far, in payment_id order). Why a twin: SQLite gives exactly those
--       keys itself, as transform/fact_orders.sqlite.sql does: an integer primary key
--       left null takes the highest key + 1 as each row arrives, and the rows arrive in
--       payment_id order, so no window function is needed (200k change events: the step
--       228 -> 178 ms of CPU; a test compares the two files' keys)
-- reads: raw_changes, silver_payments_current, as fact_payments.sql
delete from fact_payments
where payment_id in (
    select payment_id
    from silver_payments_current
    where is_deleted = 1
      and payment_id in (
          select row_key
          from raw_changes
          where raw_id > :from_raw_id
            and raw_id <= :to_raw_id
            and load_status = 'loaded'
            and table_name = 'payments'
      )
);

insert into fact_payments (
    payment_key, payment_id, order_id, date_key, method, amount_cents, currency, status,
    created_at, updated_at
)
with touched as (
    select distinct row_key
    from raw_changes
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and load_status = 'loaded'
      and table_name = 'payments'
)

select
    -- null for a new payment: SQLite gives the highest key + 1
    known.payment_key,
    payment.payment_id,
    payment.order_id,
    payment.created_date_key,
    payment.method,
    payment.amount_cents,
    payment.currency,
    payment.status,
    payment.created_at,
    :now
from silver_payments_current as payment
inner join touched
    on touched.row_key = payment.payment_id
left join fact_payments as known
    on known.payment_id = payment.payment_id
where payment.is_deleted = 0
-- the new payments' keys follow in payment_id order
order by payment.payment_id
on conflict (payment_id) do update set
    order_id = excluded.order_id,
    date_key = excluded.date_key,
    method = excluded.method,
    amount_cents = excluded.amount_cents,
    currency = excluded.currency,
    status = excluded.status,
    created_at = excluded.created_at,
    updated_at = excluded.updated_at
