-- page_type_rules (DuckDB dialect): which page type a URL path is, as editable rules (grain: as in page_type_rules.sql)
-- keys, load: as in page_type_rules.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an index for each (memory and
--       insert time a columnar load should not pay);
--       sql/checks/fact_orders_foreign_keys.duckdb.sql and the other key checks run in every
--       transform instead.
create table if not exists page_type_rules (
    rule_order      bigint primary key,
    match_kind      text    not null
                    check (match_kind = 'exact' or match_kind = 'prefix' or match_kind = 'segment'),
    path            text    not null,
    page_type       text    not null
);
