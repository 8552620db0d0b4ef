-- silver_payments_current: merge the run's change events of the payments table (grain: one row per payment_id)
-- keys: payment_id
-- reads: raw_changes (loaded events of table payments staged in this run:
--        raw_id in (:from_raw_id, :to_raw_id])
-- Rule: as sql/transform/silver_orders_current.sql (the newest event by source_ts_ms,
-- then source_position, wins; deletes leave a tombstone that older events cannot undo).
insert into silver_payments_current (
    payment_id, order_id, method, amount_cents, currency, status, created_at, created_us,
    created_date_key, is_deleted, version_ts_ms, version_position
)
with staged as (
    select
        row_key,
        order_id,
        payment_method,
        amount_cents,
        currency,
        payment_status,
        payment_created_at,
        payment_created_us,
        payment_created_date_key,
        case when op = 'd' then 1 else 0 end as is_deleted,
        source_ts_ms,
        source_position,
        row_number() over (
            partition by row_key
            order by source_ts_ms desc, source_position desc
        ) as newest_first
    from raw_changes
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and load_status = 'loaded'
      -- || '': read the run's raw_id range (payments are a fifth of the events), not every payments
      -- event of the history through the index on table_name
      and table_name || '' = 'payments'
)

select
    row_key, order_id, payment_method, amount_cents, currency, payment_status,
    payment_created_at, payment_created_us, payment_created_date_key, is_deleted,
    source_ts_ms, source_position
from staged
where newest_first = 1
on conflict (payment_id) do update set
    order_id = excluded.order_id,
    method = excluded.method,
    amount_cents = excluded.amount_cents,
    currency = excluded.currency,
    status = excluded.status,
    created_at = excluded.created_at,
    created_us = excluded.created_us,
    created_date_key = excluded.created_date_key,
    is_deleted = excluded.is_deleted,
    version_ts_ms = excluded.version_ts_ms,
    version_position = excluded.version_position
where excluded.version_ts_ms > silver_payments_current.version_ts_ms
   or (excluded.version_ts_ms = silver_payments_current.version_ts_ms
       and excluded.version_position > silver_payments_current.version_position)
