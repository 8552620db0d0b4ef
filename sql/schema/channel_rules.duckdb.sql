-- channel_rules (DuckDB dialect): which channel a session came from, as editable rules (grain: as in channel_rules.sql)
-- keys, load: as in channel_rules.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an index for each (memory and
--       insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead.
create table if not exists channel_rules (
    rule_order      bigint primary key,
    field           text    not null check (field = 'utm_medium' or field = 'ref_domain'),
    match_kind      text    not null
                    check (match_kind = 'equals' or match_kind = 'domain' or match_kind = 'brand'
                           or match_kind = 'any' or match_kind = 'none'),
    match_value     text,
    channel         text    not null
);
