-- fact_orders_money_non_negative: no negative or missing money, no quantity below 1
-- severity: error
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
