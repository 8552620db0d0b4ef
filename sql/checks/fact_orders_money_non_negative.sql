-- fact_orders_money_non_negative: no negative or missing money, no quantity below 1
-- severity: error
-- enforced by: fact_orders' `not null` and `check (... >= 0 / >= 1)` on the money and quantity
--   (inside a transform the rows it would look at were just inserted under that
--   constraint, so the transform records it as passed without running it;
--   `warehouse check` runs it over every row, to catch rows written around it)
-- grain of failing rows: one row per offending fact line
-- reads: fact_orders
-- scope: the rows this run added (order_key > :from_order_key); `warehouse check` passes 0,
--        so on demand it covers every row. Each published row was checked when published.
select transaction_id, quantity, unit_price_cents, total_amount_cents
from fact_orders
where order_key > :from_order_key
  and (unit_price_cents is null or unit_price_cents < 0
       or total_amount_cents is null or total_amount_cents < 0
       or quantity is null or quantity < 1)
