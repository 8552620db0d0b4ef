-- dim_channel (DuckDB dialect): the marketing channel a session came from (grain: as in dim_channel.sql)
-- keys, load: as in dim_channel.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds.
create table if not exists dim_channel (
    channel_key     bigint primary key,
    channel         text    not null unique,
    description     text    not null
);
