-- fact_orders_total_amount: total_amount_cents = quantity * unit_price_cents, exactly
-- severity: error
-- grain of failing rows: one row per fact line whose total does not multiply out
-- reads: fact_orders
select transaction_id, quantity, unit_price_cents, total_amount_cents
from fact_orders
where total_amount_cents <> quantity * unit_price_cents
