-- silver_transactions (PostgreSQL dialect): clean, typed order lines (grain: as in silver_transactions.sql)
-- keys: transaction_id unique (ingest loads each transaction_id once; later copies
--       are marked 'duplicate' or 'rejected' and never reach this view)
-- reads: raw_transactions where load_status = 'loaded'
-- Timestamps are UTC, event_date is the UTC date, money is in integer cents,
-- order_id defaults to transaction_id and status to 'completed'.
-- snapshot_version '<event_ts> <transaction_id>' orders snapshots for the SCD1 merges:
-- event_ts is fixed width, so text order is time order, ties broken by transaction_id.
-- Why a twin: event_ts is a timestamptz on PostgreSQL; snapshot_version spells it as
-- the same fixed-width UTC text SQLite stores (to_char), so versions compare and read alike.
create view silver_transactions as
select
    raw_id,
    batch_id,
    transaction_id,
    coalesce(order_id, transaction_id) as order_id,
    event_ts,
    event_date,
    date_key,
    quantity,
    price_cents as unit_price_cents,
    quantity * price_cents as total_amount_cents,
    coalesce(order_status, 'completed') as status,
    user_id,
    user_name,
    user_email,
    user_registration_date,
    product_id,
    product_name,
    product_category,
    product_unit_price_cents,
    to_char(event_ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        || ' ' || transaction_id as snapshot_version
from raw_transactions
where load_status = 'loaded'
