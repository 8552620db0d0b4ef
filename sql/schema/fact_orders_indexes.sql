-- fact_orders_indexes: the fact's foreign-key indexes, which the Gold views join on, and its
-- order_id index, through which a session finds its order (and you, an order's lines)
-- grain: one index entry per fact line per key
-- load: created with the schema; a bulk transform drops them (fact_orders_drop_indexes.sql)
--       and runs this file again after the insert, which is several times faster than
--       keeping them up to date row by row (1M lines: 8 s with, 3 s + 1 s without)
create index if not exists fact_orders_date_key on fact_orders (date_key);

create index if not exists fact_orders_user_key on fact_orders (user_key);

create index if not exists fact_orders_product_key on fact_orders (product_key);

create index if not exists fact_orders_order_id on fact_orders (order_id);
