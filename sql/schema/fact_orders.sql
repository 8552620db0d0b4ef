-- fact_orders: order-line fact (grain: one row per transaction_id, i.e. one order line)
-- keys: order_key surrogate PK, given by sql/transform/fact_orders.sql (from 1, in load
--       order); transaction_id unique; order_id degenerate dimension;
--       user_key, product_key, date_key reference the dimensions (never null:
--       guest checkouts point at the unknown member -1)
-- measures: quantity, unit_price_cents, total_amount_cents = quantity * unit_price_cents
-- load: sql/transform/fact_orders.sql appends lines staged since the last transform
-- status: 'completed', 'cancelled' or 'refunded' (the check is spelt with = ... or ...,
--       which accepts exactly what in (...) would; DESIGN.md says why)
create table if not exists fact_orders (
    order_key           integer primary key,
    user_key            integer not null references dim_users (user_key),
    product_key         integer not null references dim_products (product_key),
    date_key            integer not null references dim_date (date_key),
    transaction_id      text    not null unique,
    order_id            text    not null,
    quantity            integer not null check (quantity >= 1),
    unit_price_cents    integer not null check (unit_price_cents >= 0),
    total_amount_cents  integer not null check (total_amount_cents >= 0),
    status              text    not null
                        check (status = 'completed' or status = 'cancelled' or status = 'refunded'),
    order_timestamp     text    not null,
    batch_id            integer not null references etl_files (file_id),
    loaded_at           text    not null
);
