-- bot_rules (PostgreSQL dialect): user agents that are robots (grain: as in bot_rules.sql)
-- keys and load: as schema/bot_rules.sql (same columns, same order).
-- Why a twin: text compared byte-wise (collate "C"), as on SQLite.
create table if not exists bot_rules (
    fragment        text    collate "C" primary key,
    description     text    collate "C" not null
);
