-- clickstream_seed_rows: the fixed members of dim_page_type and dim_channel, the unknown
-- member of dim_visitors, and the seed rows of the rules tables: page_type_rules,
-- channel_rules, bot_rules (grain: one row per fixed member or seed rule, in the tables it
-- names)
-- Run on every open, like the table files: a dimension member already there is left
-- alone (on conflict do nothing); a rules table gets its seed rows only while it is
-- empty, so rules you edit, add or delete stay as you left them. The unknown visitor
-- points at the unknown user, so it waits for dim_users' (schema/dim_unknown_members.sql).
insert into dim_page_type (page_type_key, page_type, funnel_step, description)
values
    (-1, 'unknown', null, 'Unknown page type'),
    (1, 'home', null, 'The home page, /'),
    (2, 'category', null, 'A category listing, /c/<category>'),
    (3, 'search', null, 'Search results, /search'),
    (4, 'product', 1, 'A product page, /p/<product_id>: funnel step 1'),
    (5, 'cart', 2, 'The cart, /cart: funnel step 2'),
    (6, 'checkout', 3, 'The checkout, /checkout: funnel step 3'),
    (7, 'purchase', 4, 'The order confirmation, /checkout/confirmation?order_id=...: funnel step 4'),
    (8, 'other', null, 'Any other page (help, account, ...)')
on conflict (page_type_key) do nothing;

insert into dim_channel (channel_key, channel, description)
values
    (-1, 'unknown', 'Unknown channel'),
    (1, 'direct', 'No referrer and no campaign: typed in, a bookmark, an app'),
    (2, 'organic_search', 'Unpaid results of a search engine'),
    (3, 'paid', 'Paid campaigns (utm_medium cpc, ppc or paid)'),
    (4, 'email', 'Email campaigns (utm_medium email)'),
    (5, 'social', 'Social networks, paid or not (utm_medium social, or a social referrer)'),
    (6, 'referral', 'A link on any other site')
on conflict (channel_key) do nothing;

insert into dim_visitors (visitor_key, visitor_id, id_kind, user_key, created_at, updated_at)
select -1, '', 'unknown', -1, :now, :now
from dim_users
where user_key = -1
on conflict (visitor_key) do nothing;

insert into page_type_rules (rule_order, match_kind, path, page_type)
select rule_order, match_kind, path, page_type
from (
    select 10 as rule_order, 'exact' as match_kind, '/' as path, 'home' as page_type
    union all select 20, 'exact', '/checkout/confirmation', 'purchase'
    union all select 30, 'exact', '/checkout', 'checkout'
    union all select 31, 'prefix', '/checkout/', 'checkout'
    union all select 40, 'exact', '/cart', 'cart'
    union all select 50, 'segment', '/p/', 'product'
    union all select 60, 'prefix', '/c/', 'category'
    union all select 70, 'exact', '/search', 'search'
) as seed
where not exists (select 1 from page_type_rules);

insert into channel_rules (rule_order, field, match_kind, match_value, channel)
select rule_order, field, match_kind, match_value, channel
from (
    select 10 as rule_order, 'utm_medium' as field, 'equals' as match_kind,
           'cpc' as match_value, 'paid' as channel
    union all select 11, 'utm_medium', 'equals', 'ppc', 'paid'
    union all select 12, 'utm_medium', 'equals', 'paid', 'paid'
    union all select 20, 'utm_medium', 'equals', 'email', 'email'
    union all select 30, 'utm_medium', 'equals', 'social', 'social'
    union all select 40, 'ref_domain', 'brand', 'google', 'organic_search'
    union all select 41, 'ref_domain', 'brand', 'bing', 'organic_search'
    union all select 42, 'ref_domain', 'brand', 'duckduckgo', 'organic_search'
    union all select 43, 'ref_domain', 'brand', 'yahoo', 'organic_search'
    union all select 44, 'ref_domain', 'brand', 'baidu', 'organic_search'
    union all select 45, 'ref_domain', 'brand', 'yandex', 'organic_search'
    union all select 50, 'ref_domain', 'brand', 'facebook', 'social'
    union all select 51, 'ref_domain', 'brand', 'instagram', 'social'
    union all select 52, 'ref_domain', 'domain', 't.co', 'social'
    union all select 53, 'ref_domain', 'brand', 'twitter', 'social'
    union all select 54, 'ref_domain', 'domain', 'x.com', 'social'
    union all select 55, 'ref_domain', 'brand', 'linkedin', 'social'
    union all select 56, 'ref_domain', 'brand', 'pinterest', 'social'
    union all select 57, 'ref_domain', 'brand', 'reddit', 'social'
    union all select 58, 'ref_domain', 'brand', 'tiktok', 'social'
    union all select 59, 'ref_domain', 'brand', 'youtube', 'social'
    union all select 90, 'ref_domain', 'any', null, 'referral'
    union all select 99, 'ref_domain', 'none', null, 'direct'
) as seed
where not exists (select 1 from channel_rules);

insert into bot_rules (fragment, description)
select fragment, description
from (
    select 'bot' as fragment, 'Googlebot, bingbot, and most crawlers name themselves so' as description
    union all select 'crawler', 'a crawler'
    union all select 'spider', 'a spider (Baiduspider, ...)'
    union all select 'slurp', 'Yahoo! Slurp'
    union all select 'headless', 'a headless browser (HeadlessChrome)'
    union all select 'phantomjs', 'a scripted browser'
    union all select 'curl', 'the curl command'
    union all select 'wget', 'the wget command'
    union all select 'python-requests', 'the Python requests library'
    union all select 'python-urllib', 'the Python standard library'
    union all select 'go-http-client', 'the Go standard library'
    union all select 'scrapy', 'the Scrapy framework'
    union all select 'facebookexternalhit', 'Facebook fetching a link preview'
) as seed
where not exists (select 1 from bot_rules)
