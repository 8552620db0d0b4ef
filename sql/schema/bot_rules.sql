-- bot_rules: user agents that are robots, as editable rules (grain: one row per fragment)
-- keys: fragment PK, lower-case: a page view whose lower-cased user agent contains any
--       fragment is a bot's (silver_page_views.is_bot); bots stay in Silver, flagged, and
--       are left out of the facts, the sessions and Gold
-- load: seeded by schema/clickstream_seed_rows.sql when the table is empty; edit the rows
--       to change the rules (they apply to page views transformed afterwards).
create table if not exists bot_rules (
    fragment        text    primary key,
    description     text    not null
);
