-- fact_size: the highest order_key so far, a cheap stand-in for the fact's row count
-- reads: fact_orders (its integer primary key, so this is instant)
select coalesce(max(order_key), 0) as fact_rows
from fact_orders
