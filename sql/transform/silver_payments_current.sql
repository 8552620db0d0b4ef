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
with run_event as (
    -- the run's events of the payments table in the index's order (row_key, then event time):
    -- keys only, read from the index raw_changes_loaded_row alone, so no sort is needed
    select
        raw_id,
        lead(raw_id) over (
            partition by row_key
            order by source_ts_ms, source_position
        ) as next_raw_id
    from raw_changes
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and load_status = 'loaded'
      and table_name = 'payments'
)

-- the newest event of each payment: the one with no later event in the run
select
    event.row_key, event.order_id, event.payment_method, event.amount_cents, event.currency,
    event.payment_status, event.payment_created_at, event.payment_created_us,
    event.payment_created_date_key, case when event.op = 'd' then 1 else 0 end,
    event.source_ts_ms, event.source_position
from run_event
inner join raw_changes as event
    on event.raw_id = run_event.raw_id
where run_event.next_raw_id is null
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
