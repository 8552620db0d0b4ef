-- fact_orders_drop_indexes: drop the fact's indexes before a bulk insert
-- grain: none (DDL); runs inside the transform's transaction, and
--        schema/fact_orders_indexes.sql builds them again before it commits
drop index if exists fact_orders_date_key;

drop index if exists fact_orders_user_key;

drop index if exists fact_orders_product_key;

drop index if exists fact_orders_order_id;
