-- dim_products_history (DuckDB dialect): product dimension, SCD type 2 (grain: as in dim_products_history.sql)
-- keys, load: as in dim_products_history.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds.
create table if not exists dim_products_history (
    product_version_key bigint primary key,
    product_id          text    not null,
    version_ts_ms       bigint not null,
    version_position    bigint not null,
    valid_from          text    not null,
    valid_to            text    not null,
    is_current          bigint not null check (is_current = 0 or is_current = 1),
    product_name        text,
    category            text,
    unit_price_cents    bigint check (unit_price_cents >= 0),
    updated_at          text    not null,
    unique (product_id, version_ts_ms, version_position)
);

create index if not exists dim_products_history_valid
    on dim_products_history (product_id, valid_from);
