-- fact_order_status_daily (PostgreSQL dialect): periodic snapshot of orders by status (grain: as in fact_order_status_daily.sql)
-- keys, load: as schema/fact_order_status_daily.sql (same columns, same order).
-- Why a twin: PostgreSQL types: bigint keys, cents and epochs, timestamptz, double
--       precision, and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists fact_order_status_daily (
    date_key    integer not null references dim_date (date_key),
    status      text collate "C" not null
                check (status = 'placed' or status = 'paid' or status = 'shipped'
                       or status = 'delivered' or status = 'cancelled' or status = 'refunded'),
    orders      integer not null check (orders >= 0),
    primary key (date_key, status)
);
