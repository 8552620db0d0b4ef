-- dim_users (DuckDB dialect): customer dimension, SCD type 1 (grain: as in dim_users.sql)
-- keys, load: as in dim_users.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds.
create table if not exists dim_users (
    user_key                    bigint primary key,
    user_id                     text    not null unique,
    name                        text,
    email                       text,
    registration_date           text,
    is_inferred                 bigint not null default 0 check (is_inferred in (0, 1)),
    name_version                text,
    email_version               text,
    registration_date_version   text,
    created_at                  text    not null,
    updated_at                  text    not null
);
