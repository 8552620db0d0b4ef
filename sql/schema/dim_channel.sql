-- dim_channel: the marketing channel a session came from (grain: one row per channel)
-- keys: channel_key surrogate PK, fixed by schema/clickstream_seed_rows.sql (1 direct ...
--       6 referral; -1 the unknown member); channel natural key, unique
-- load: its rows are the model's own, written once by schema/clickstream_seed_rows.sql;
--       which channel a session gets is decided by the rules in channel_rules.
create table if not exists dim_channel (
    channel_key     integer primary key,
    channel         text    not null unique,
    description     text    not null
);
