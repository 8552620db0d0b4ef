-- dim_users (PostgreSQL dialect): customer dimension, SCD type 1 (grain: as in dim_users.sql)
-- keys: user_key surrogate PK, never changes once given (the merge gives it, as on SQLite); user_id
--       natural key, unique; user_key -1 is the reserved unknown member (guest checkouts)
-- load: as schema/dim_users.sql (same columns, same order). Why a twin: PostgreSQL
--       types: bigint key, date, timestamptz, and text compared byte-wise (collate "C")
--       as SQLite compares it, so the *_version columns ('<event_ts> <transaction_id>')
--       order exactly as they do on SQLite.
create table if not exists dim_users (
    user_key                    bigint  primary key,
    user_id                     text    collate "C" not null unique,
    name                        text    collate "C",
    email                       text    collate "C",
    registration_date           date,
    is_inferred                 integer not null default 0 check (is_inferred in (0, 1)),
    name_version                text    collate "C",
    email_version               text    collate "C",
    registration_date_version   text    collate "C",
    created_at                  timestamptz not null,
    updated_at                  timestamptz not null
);
