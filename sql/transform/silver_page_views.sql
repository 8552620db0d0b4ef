-- silver_page_views: append the run's valid page views, with the rules applied (grain: one row per loaded page view: event_id)
-- keys: raw_id (raw_events), event_id
-- reads: raw_events (loaded rows with raw_id in (:from_raw_id, :to_raw_id]: twice, once for
--        their distinct user agents and paths), page_type_rules, bot_rules (each rule
--        tried once per distinct path and user agent of the run)
-- Rules (each also in DESIGN.md and docs/EVENTS.md):
-- - visitor_id: the anonymous_id (the browser's cookie), else the user_id;
-- - page_type: of the first rule (lowest rule_order) in page_type_rules that matches the
--   path: 'exact' the path itself, 'prefix' a path starting with it, 'segment' it and one
--   more segment without '/'; no rule: 'other'. product_id: what follows the product
--   rule's path (/p/P0001 -> P0001); order_id: the confirmation page's order_id parameter;
-- - ref_domain: the referrer's host without a leading 'www.'; null when there is no
--   referrer, or it is the page's own site (internal navigation);
-- - is_bot: the lower-cased user agent contains a fragment of bot_rules.
insert into silver_page_views (
    raw_id, batch_id, event_id, event_id_derived, event_ts, event_date, date_key,
    event_epoch_us, visitor_id, anonymous_id, user_id, session_id, page_host, page_path,
    page_type, product_id, order_id, ref_domain, utm_source, utm_medium, utm_campaign, is_bot
)
with seen_pair as materialized (
    -- the run's distinct user agents and paths, in one read of its Bronze rows (a few
    -- thousand pairs: a read of the rows, wide with their raw text, costs more than
    -- the rules below)
    select distinct user_agent, page_path
    from raw_events
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and load_status = 'loaded'
),

agent_bot as materialized (
    -- the bot rules run once per distinct user agent of the run, not once per page view
    -- (a run has a handful of user agents, and a LIKE per rule per view was half the step)
    select
        seen.user_agent,
        case when exists (
            select 1
            from bot_rules
            where lower(seen.user_agent) like ('%' || bot_rules.fragment || '%')
        ) then 1 else 0 end as is_bot
    from (
        select distinct user_agent
        from seen_pair
    ) as seen
),

path_rule as materialized (
    -- the page type rules, likewise, once per distinct path of the run (a few hundred:
    -- the pages of the shop), not once per page view
    select
        seen.page_path,
        (
            select rule.rule_order
            from page_type_rules as rule
            where (rule.match_kind = 'exact' and seen.page_path = rule.path)
               or (rule.match_kind = 'prefix'
                   and substr(seen.page_path, 1, length(rule.path)) = rule.path)
               or (rule.match_kind = 'segment'
                   and substr(seen.page_path, 1, length(rule.path)) = rule.path
                   and length(seen.page_path) > length(rule.path)
                   and substr(seen.page_path, length(rule.path) + 1) not like '%/%')
            order by rule.rule_order
            limit 1
        ) as page_rule
    from (
        select distinct page_path
        from seen_pair
    ) as seen
),

staged_view as (
    select
        raw.raw_id, raw.batch_id, raw.event_id, raw.event_id_derived, raw.event_ts,
        raw.event_date, raw.date_key, raw.event_epoch_us, raw.anonymous_id, raw.user_id,
        raw.session_id, raw.page_host, raw.page_path, raw.query_order_id, raw.utm_source,
        raw.utm_medium, raw.utm_campaign, raw.user_agent,
        path_rule.page_rule,
        case when substr(raw.referrer_host, 1, 4) = 'www.' then substr(raw.referrer_host, 5)
             else raw.referrer_host end as referrer_site,
        case when substr(raw.page_host, 1, 4) = 'www.' then substr(raw.page_host, 5)
             else raw.page_host end as page_site
    from raw_events as raw
    left join path_rule
        on path_rule.page_path = raw.page_path
    where raw.raw_id > :from_raw_id
      and raw.raw_id <= :to_raw_id
      and raw.load_status = 'loaded'
),

typed_view as (
    select
        staged_view.*,
        coalesce(rule.page_type, 'other') as page_type,
        rule.path as rule_path
    from staged_view
    left join page_type_rules as rule
        on rule.rule_order = staged_view.page_rule
)

select
    raw_id,
    batch_id,
    event_id,
    event_id_derived,
    event_ts,
    event_date,
    date_key,
    event_epoch_us,
    coalesce(anonymous_id, user_id) as visitor_id,
    anonymous_id,
    user_id,
    session_id,
    page_host,
    page_path,
    page_type,
    case when page_type = 'product'
         then nullif(substr(page_path, length(rule_path) + 1), '') end as product_id,
    case when page_type = 'purchase' then query_order_id end as order_id,
    case when referrer_site = page_site then null else referrer_site end as ref_domain,
    utm_source,
    utm_medium,
    utm_campaign,
    coalesce(agent_bot.is_bot, 0) as is_bot
from typed_view
left join agent_bot
    on agent_bot.user_agent = typed_view.user_agent
