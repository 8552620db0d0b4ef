-- stage_lifecycle_orders (DuckDB dialect): the orders whose lifecycle a run recomputes (grain: as in stage_lifecycle_orders.sql)
-- keys, load: as in stage_lifecycle_orders.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds.
create table if not exists stage_lifecycle_orders (
    order_id                text    primary key,
    affected_from_date_key  bigint
);
