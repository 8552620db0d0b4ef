-- fact_payments: upsert the payments the run's change events touched (grain: one row per payment_id)
-- keys: payment_key surrogate, given on first insert and never changed: a new payment
--       takes the next key after the highest so far, in payment_id order (the same on
--       every engine); payment_id unique
-- reads: raw_changes (payments events staged in this run, raw_id in (:from_raw_id,
--        :to_raw_id]), silver_payments_current (each payment as it is now)
-- A payment deleted at the source leaves the fact; every other takes its current state.
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
    coalesce(
        known.payment_key,
        (select coalesce(max(payment_key), 0) from fact_payments)
        + row_number() over (
            partition by known.payment_key is null
            order by payment.payment_id
        )
    ),
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
on conflict (payment_id) do update set
    order_id = excluded.order_id,
    date_key = excluded.date_key,
    method = excluded.method,
    amount_cents = excluded.amount_cents,
    currency = excluded.currency,
    status = excluded.status,
    created_at = excluded.created_at,
    updated_at = excluded.updated_at
