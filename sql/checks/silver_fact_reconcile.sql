-- silver_fact_reconcile: every valid Silver line is a fact line, and their cents sums are equal
-- severity: error
-- grain of failing rows: at most one row, comparing both sides
-- reads: silver_transactions, fact_orders
-- scope: the Silver lines the star should hold, raw_id in (:from_raw_id, :through_raw_id]:
--        in a transform, this run's lines; in `warehouse check`, every line up to the
--        watermark. Lines loaded since the last transform are pending, not missing:
--        they reach the fact at the next transform.
with silver_side as (
    select count(*) as lines, coalesce(sum(total_amount_cents), 0) as cents
    from silver_transactions
    where raw_id > :from_raw_id
      and raw_id <= :through_raw_id
),

fact_side as (
    select count(*) as lines, coalesce(sum(total_amount_cents), 0) as cents
    from fact_orders
    where order_key > :from_order_key
)

select
    silver_side.lines as silver_lines,
    fact_side.lines as fact_lines,
    silver_side.cents as silver_cents,
    fact_side.cents as fact_cents
from silver_side, fact_side
where silver_side.lines <> fact_side.lines
   or silver_side.cents <> fact_side.cents
