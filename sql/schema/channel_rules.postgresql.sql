-- channel_rules (PostgreSQL dialect): which channel a session came from (grain: as in channel_rules.sql)
-- keys and load: as schema/channel_rules.sql (same columns, same order).
-- Why a twin: text compared byte-wise (collate "C"), as on SQLite.
create table if not exists channel_rules (
    rule_order      integer primary key,
    field           text    collate "C" not null check (field in ('utm_medium', 'ref_domain')),
    match_kind      text    collate "C" not null
                    check (match_kind in ('equals', 'domain', 'brand', 'any', 'none')),
    match_value     text    collate "C",
    channel         text    collate "C" not null references dim_channel (channel)
);
