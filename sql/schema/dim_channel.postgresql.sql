-- dim_channel (PostgreSQL dialect): the marketing channel a session came from (grain: as in dim_channel.sql)
-- keys and load: as schema/dim_channel.sql (same columns, same order).
-- Why a twin: bigint key and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists dim_channel (
    channel_key     bigint  primary key,
    channel         text    collate "C" not null unique,
    description     text    collate "C" not null
);
