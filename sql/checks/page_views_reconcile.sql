-- page_views_reconcile: every loaded page view is in Silver, every one that is not a bot's
-- is a fact row, and every fact row is in a session that exists
-- severity: error
-- grain of failing rows: at most one row per problem, with the counts on both sides
-- reads: raw_events, silver_page_views, fact_page_views, fact_sessions
-- scope: the page views the star should hold, raw_id in (:from_raw_id, :through_raw_id],
--        and the fact's rows after :from_page_view_key: in a transform, this run's; in
--        `warehouse check`, every one up to the watermark and every fact row. Page views
--        loaded since the last transform are pending, not missing.
with bronze_side as (
    select count(*) as page_views
    from raw_events
    where raw_id > :from_raw_id
      and raw_id <= :through_raw_id
      and load_status = 'loaded'
),

silver_side as (
    select
        count(*) as page_views,
        sum(case when is_bot = 0 then 1 else 0 end) as human_page_views
    from silver_page_views
    where raw_id > :from_raw_id
      and raw_id <= :through_raw_id
),

fact_side as (
    -- the run's page views are the fact rows after :from_page_view_key (the fact's highest
    -- key before the run); `warehouse check` passes 0 for both ranges: every row
    select count(*) as page_views
    from fact_page_views
    where page_view_key > :from_page_view_key
),

without_session as (
    select count(*) as page_views
    from fact_page_views as fact
    where fact.page_view_key > :from_page_view_key
      and (fact.session_id is null
           or not exists (
               select 1
               from fact_sessions as session_row
               where session_row.session_id = fact.session_id
           ))
)

select 'loaded page views missing from Silver' as problem,
       bronze_side.page_views as expected, silver_side.page_views as found
from bronze_side, silver_side
where bronze_side.page_views <> silver_side.page_views
union all
select 'Silver page views (bots left out) missing from fact_page_views',
       coalesce(silver_side.human_page_views, 0), fact_side.page_views
from silver_side, fact_side
where coalesce(silver_side.human_page_views, 0) <> fact_side.page_views
union all
select 'fact page views without a session in fact_sessions', 0, without_session.page_views
from without_session
where without_session.page_views > 0
