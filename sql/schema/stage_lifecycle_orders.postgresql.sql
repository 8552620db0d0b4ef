-- stage_lifecycle_orders (PostgreSQL dialect): the orders whose lifecycle a run recomputes (grain: as in stage_lifecycle_orders.sql)
-- keys, load: as schema/stage_lifecycle_orders.sql (same columns, same order).
-- Why a twin: PostgreSQL types: bigint keys, cents and epochs, timestamptz, double
--       precision, and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists stage_lifecycle_orders (
    order_id                text collate "C" primary key,
    affected_from_date_key  integer
);
