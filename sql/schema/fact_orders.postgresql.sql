-- fact_orders (PostgreSQL dialect): order-line fact (grain: as in fact_orders.sql)
-- keys: order_key surrogate PK (given by the transform, as on SQLite); transaction_id unique; order_id
--       degenerate dimension; user_key, product_key, date_key reference the dimensions
--       (never null: guest checkouts point at the unknown member -1)
-- measures: quantity, unit_price_cents, total_amount_cents = quantity * unit_price_cents
-- load: as schema/fact_orders.sql (same columns, same order). Why a twin: PostgreSQL
--       types: bigint key and cents, timestamptz, text compared byte-wise.
create table if not exists fact_orders (
    order_key           bigint  primary key,
    user_key            bigint  not null references dim_users (user_key),
    product_key         bigint  not null references dim_products (product_key),
    date_key            integer not null references dim_date (date_key),
    transaction_id      text    collate "C" not null unique,
    order_id            text    collate "C" not null,
    quantity            integer not null check (quantity >= 1),
    unit_price_cents    bigint  not null check (unit_price_cents >= 0),
    total_amount_cents  bigint  not null check (total_amount_cents >= 0),
    status              text    collate "C" not null
                        check (status in ('completed', 'cancelled', 'refunded')),
    order_timestamp     timestamptz not null,
    batch_id            bigint  not null references etl_files (file_id),
    loaded_at           timestamptz not null
);
