-- dim_page_type: what kind of page a page view shows (grain: one row per page type)
-- keys: page_type_key surrogate PK, fixed by schema/clickstream_seed_rows.sql (1 home ...
--       8 other; -1 the unknown member); page_type natural key, unique
-- load: its rows are the model's own, written once by schema/clickstream_seed_rows.sql.
--       funnel_step numbers the steps of the purchase funnel (1 product view, 2 cart,
--       3 checkout, 4 purchase; null for pages outside the funnel); a session reaches a
--       step when it views that page type after reaching the step before.
create table if not exists dim_page_type (
    page_type_key   integer primary key,
    page_type       text    not null unique,
    funnel_step     integer check (funnel_step between 1 and 4),
    description     text    not null
);
