-- dim_visitors (PostgreSQL dialect): who browses, as the shop can tell them apart (grain: as in dim_visitors.sql)
-- keys and load: as schema/dim_visitors.sql (same columns, same order).
-- Why a twin: bigint keys and epoch, timestamptz, and text compared byte-wise (collate "C").
create table if not exists dim_visitors (
    visitor_key         bigint  primary key,
    visitor_id          text    collate "C" not null unique,
    id_kind             text    collate "C" not null
                        check (id_kind in ('anonymous_id', 'user_id', 'unknown')),
    user_key            bigint  not null default -1 references dim_users (user_key),
    login_epoch_us      bigint,
    login_event_id      text    collate "C",
    created_at          timestamptz not null,
    updated_at          timestamptz not null
);
