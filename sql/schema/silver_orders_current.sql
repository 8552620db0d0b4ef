-- silver_orders_current: the orders table as its change events leave it (grain: one row per order_id)
-- keys: order_id PK (the source row's key)
-- load: sql/transform/silver_orders_current.sql merges each run's change events of the
--       orders table (raw_changes): a row takes the image of its newest event (newest =
--       greatest source ts_ms, then position: version_ts_ms, version_position); an older
--       event never overwrites a newer one, whatever order files arrive in. A delete
--       leaves a tombstone (is_deleted = 1, the before image), so a later-arriving older
--       update cannot bring the order back.
create table if not exists silver_orders_current (
    order_id            text    primary key,
    user_id             text,
    status              text,
    created_at          text,
    created_us          integer,
    created_date_key    integer,
    updated_at          text,
    updated_us          integer,
    is_deleted          integer not null check (is_deleted = 0 or is_deleted = 1),
    version_ts_ms       integer not null,
    version_position    integer not null
);
