-- dim_products_history (PostgreSQL dialect): product dimension, SCD type 2 (grain: as in dim_products_history.sql)
-- keys, load: as schema/dim_products_history.sql (same columns, same order).
-- Why a twin: PostgreSQL types: bigint keys, cents and epochs, timestamptz, double
--       precision, and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists dim_products_history (
    product_version_key bigint primary key,
    product_id          text collate "C" not null,
    version_ts_ms       bigint not null,
    version_position    bigint not null,
    valid_from          timestamptz not null,
    valid_to            timestamptz not null,
    is_current          integer not null check (is_current in (0, 1)),
    product_name        text collate "C",
    category            text collate "C",
    unit_price_cents    bigint check (unit_price_cents >= 0),
    updated_at          timestamptz not null,
    unique (product_id, version_ts_ms, version_position)
);

create index if not exists dim_products_history_valid
    on dim_products_history (product_id, valid_from);
