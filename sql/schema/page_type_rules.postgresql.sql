-- page_type_rules (PostgreSQL dialect): which page type a URL path is (grain: as in page_type_rules.sql)
-- keys and load: as schema/page_type_rules.sql (same columns, same order).
-- Why a twin: text compared byte-wise (collate "C"), as on SQLite.
create table if not exists page_type_rules (
    rule_order      integer primary key,
    match_kind      text    collate "C" not null
                    check (match_kind in ('exact', 'prefix', 'segment')),
    path            text    collate "C" not null,
    page_type       text    collate "C" not null references dim_page_type (page_type)
);
