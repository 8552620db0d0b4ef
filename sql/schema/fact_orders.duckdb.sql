-- fact_orders (DuckDB dialect): order-line fact (grain: as in fact_orders.sql)
-- keys, load: as in fact_orders.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an index for each (memory and
--       insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead; and no key on order_key or transaction_id either: each is an ART
--       index over every fact line (at 1,000,000 lines they took the transform past a 192 MB
--       memory_limit); transform/fact_orders.duckdb.sql skips a transaction_id already in
--       the fact, and sql/checks/fact_orders_keys.duckdb.sql runs in every transform.
create table if not exists fact_orders (
    order_key           bigint not null,
    user_key            bigint not null,
    product_key         bigint not null,
    date_key            bigint not null,
    transaction_id      text    not null,
    order_id            text    not null,
    quantity            bigint not null check (quantity >= 1),
    unit_price_cents    bigint not null check (unit_price_cents >= 0),
    total_amount_cents  bigint not null check (total_amount_cents >= 0),
    status              text    not null
                        check (status = 'completed' or status = 'cancelled' or status = 'refunded'),
    order_timestamp     text    not null,
    batch_id            bigint not null,
    loaded_at           text    not null
);
