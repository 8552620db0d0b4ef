-- stage_product_versions (DuckDB dialect): the versions of the products a run's change events touched (grain: as in stage_product_versions.sql)
-- keys, load: as in stage_product_versions.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds.
create table if not exists stage_product_versions (
    product_id          text    not null,
    version_ts_ms       bigint not null,
    version_position    bigint not null,
    valid_from          text    not null,
    valid_to            text    not null,
    is_current          bigint not null check (is_current = 0 or is_current = 1),
    product_name        text,
    category            text,
    unit_price_cents    bigint,
    primary key (product_id, version_ts_ms, version_position)
);
