-- stage_product_versions (PostgreSQL dialect): the versions of the products a run's change events touched (grain: as in stage_product_versions.sql)
-- keys, load: as schema/stage_product_versions.sql (same columns, same order).
-- Why a twin: PostgreSQL types: bigint keys, cents and epochs, timestamptz, double
--       precision, and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists stage_product_versions (
    product_id          text collate "C" not null,
    version_ts_ms       bigint not null,
    version_position    bigint not null,
    valid_from          timestamptz not null,
    valid_to            timestamptz not null,
    is_current          integer not null check (is_current in (0, 1)),
    product_name        text collate "C",
    category            text collate "C",
    unit_price_cents    bigint,
    primary key (product_id, version_ts_ms, version_position)
);
