-- dim_visitors (DuckDB dialect): who browses, as the shop can tell them apart (grain: as in dim_visitors.sql)
-- keys, load: as in dim_visitors.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an index for each (memory and
--       insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead.
create table if not exists dim_visitors (
    visitor_key         bigint primary key,
    visitor_id          text    not null unique,
    id_kind             text    not null
                        check (id_kind = 'anonymous_id' or id_kind = 'user_id' or id_kind = 'unknown'),
    user_key            bigint not null default -1,
    login_epoch_us      bigint,
    login_event_id      text,
    created_at          text    not null,
    updated_at          text    not null
);
