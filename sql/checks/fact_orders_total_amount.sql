-- fact_orders_total_amount: total_amount_cents = quantity * unit_price_cents, exactly
-- severity: error
-- grain of failing rows: one row per fact line whose total does not multiply out
-- reads: fact_orders
-- scope: the rows this run added (order_key > :from_order_key); `warehouse check` passes 0,
--        so on demand it covers every row. Each published row was checked when published.
select transaction_id, quantity, unit_price_cents, total_amount_cents
from fact_orders
where order_key > :from_order_key
  and total_amount_cents <> quantity * unit_price_cents
