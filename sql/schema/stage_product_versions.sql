-- stage_product_versions: the versions of the products a run's change events touched (grain: one row per product_id and version)
-- keys: (product_id, version_ts_ms, version_position): the event that opened the version
-- load: sql/transform/stage_product_versions.sql empties it and rebuilds every version of
--       each product the run's events name, from all its events in Bronze (so a late event
--       lands in its place in the history); sql/transform/dim_products_history.sql then
--       makes the dimension agree with it. Between runs it holds the last run's versions.
create table if not exists stage_product_versions (
    product_id          text    not null,
    version_ts_ms       integer not null,
    version_position    integer not null,
    valid_from          text    not null,
    valid_to            text    not null,
    is_current          integer not null check (is_current = 0 or is_current = 1),
    product_name        text,
    category            text,
    unit_price_cents    integer,
    primary key (product_id, version_ts_ms, version_position)
);
