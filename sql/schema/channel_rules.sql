-- channel_rules: which channel a session came from, as editable rules (grain: one row per rule)
-- keys: rule_order PK: the first rule (lowest rule_order) that matches a session's first
--       page view wins; channel references dim_channel
-- load: seeded by schema/clickstream_seed_rows.sql when the table is empty; edit the rows
--       to change the rules (they apply to sessions computed afterwards).
--       field is what the rule reads: 'utm_medium' (lower-cased) or 'ref_domain'.
--       match_kind: 'equals' the value; 'domain' the value or a subdomain of it (x.com,
--       m.x.com); 'brand' a domain with the value as one of its labels before the last
--       (google.com, google.co.uk, news.google.com); 'any' any value; 'none' no value.
--       Values are lower-case.
create table if not exists channel_rules (
    rule_order      integer primary key,
    field           text    not null check (field = 'utm_medium' or field = 'ref_domain'),
    match_kind      text    not null
                    check (match_kind = 'equals' or match_kind = 'domain' or match_kind = 'brand'
                           or match_kind = 'any' or match_kind = 'none'),
    match_value     text,
    channel         text    not null references dim_channel (channel)
);
