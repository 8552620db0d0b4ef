-- page_type_rules: which page type a URL path is, as editable rules (grain: one row per rule)
-- keys: rule_order PK: the first rule (lowest rule_order) that matches a path wins; a
--       path no rule matches is 'other'; page_type references dim_page_type
-- load: seeded by schema/clickstream_seed_rows.sql when the table is empty; edit the rows
--       to change the rules (they apply to page views transformed afterwards).
--       match 'exact': the path is `path`; 'prefix': it starts with `path`; 'segment': it
--       is `path` followed by one more segment with no '/' (e.g. '/p/' matches /p/P0001,
--       not /p/P0001/reviews), and that segment is the id the page shows
--       (the product_id of a product page). Paths are compared case-sensitively.
create table if not exists page_type_rules (
    rule_order      integer primary key,
    match_kind      text    not null
                    check (match_kind = 'exact' or match_kind = 'prefix' or match_kind = 'segment'),
    path            text    not null,
    page_type       text    not null references dim_page_type (page_type)
);
