-- dim_users: customer dimension, SCD type 1 (grain: one row per user_id)
-- keys: user_key surrogate PK, given by sql/transform/dim_users.sql (real members from 1,
--       in user_id order within a run) and never changed; user_id natural key, unique.
--       user_key -1 is the reserved unknown member (guest checkouts); its user_id is
--       the empty string, which the input contract never allows, so it cannot clash.
-- load: sql/transform/dim_users.sql merges each run's snapshots into it.
--       *_version columns record which snapshot each attribute came from
--       ('<event_ts> <transaction_id>'): a value is replaced only by a newer one, so the
--       result is the same whatever order batches arrive in.
create table if not exists dim_users (
    user_key                    integer primary key,
    user_id                     text    not null unique,
    name                        text,
    email                       text,
    registration_date           text,
    is_inferred                 integer not null default 0 check (is_inferred in (0, 1)),
    name_version                text,
    email_version               text,
    registration_date_version   text,
    created_at                  text    not null,
    updated_at                  text    not null
);
