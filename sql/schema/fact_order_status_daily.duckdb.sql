-- fact_order_status_daily (DuckDB dialect): periodic snapshot of orders by status (grain: as in fact_order_status_daily.sql)
-- keys, load: as in fact_order_status_daily.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an in-memory index for each.
create table if not exists fact_order_status_daily (
    date_key    bigint not null,
    status      text    not null
                check (status = 'placed' or status = 'paid' or status = 'shipped'
                       or status = 'delivered' or status = 'cancelled' or status = 'refunded'),
    orders      bigint not null check (orders >= 0),
    primary key (date_key, status)
);
