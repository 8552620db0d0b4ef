-- transactions_date_range: the first and last date of the order lines staged in this run
-- (grain: one row; both null when the run staged no valid line)
-- reads: silver_transactions (raw_id in (:from_raw_id, :to_raw_id])
-- Bound into transform/dim_date.sql, which extends the calendar to cover them.
select
    min(event_date) as first_date,
    max(event_date) as last_date
from silver_transactions
where raw_id > :from_raw_id
  and raw_id <= :to_raw_id
