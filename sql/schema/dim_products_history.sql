-- dim_products_history: product dimension, SCD type 2 (grain: one row per product_id and version)
-- keys: product_version_key surrogate PK, given by sql/transform/dim_products_history.sql
--       (the next keys after the highest so far, in product_id and valid_from order within
--       a run) and never changed while the version exists; (product_id, version_ts_ms,
--       version_position) natural key: the change event that opened the version.
-- load: from the products' change events and snapshot reads (raw_changes, op c/u/r/d):
--       a new version starts where name, category or unit price differ from the version
--       before (an event that changes nothing opens none); valid_from is its event's time,
--       valid_to the next version's valid_from or the product's deletion, and
--       9999-12-31T23:59:59.999999Z while it is current (is_current = 1); a deleted
--       product has no current version. An order line joins the version valid at its
--       order time: valid_from <= order_timestamp < valid_to.
--       dim_products (SCD type 1) keeps only today's values; this keeps every version.
create table if not exists dim_products_history (
    product_version_key integer primary key,
    product_id          text    not null,
    version_ts_ms       integer not null,
    version_position    integer not null,
    valid_from          text    not null,
    valid_to            text    not null,
    is_current          integer not null check (is_current = 0 or is_current = 1),
    product_name        text,
    category            text,
    unit_price_cents    integer check (unit_price_cents >= 0),
    updated_at          text    not null,
    unique (product_id, version_ts_ms, version_position)
);

create index if not exists dim_products_history_valid
    on dim_products_history (product_id, valid_from);
