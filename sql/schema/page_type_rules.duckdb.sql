-- page_type_rules (DuckDB dialect): which page type a URL path is, as editable rules (grain: as in page_type_rules.sql)
-- keys, load: as in page_type_rules.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds.
create table if not exists page_type_rules (
    rule_order      bigint primary key,
    match_kind      text    not null
                    check (match_kind = 'exact' or match_kind = 'prefix' or match_kind = 'segment'),
    path            text    not null,
    page_type       text    not null references dim_page_type (page_type)
);
