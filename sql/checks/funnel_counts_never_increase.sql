-- funnel_counts_never_increase: the funnel's counts never grow along its steps
-- severity: error
-- grain of failing rows: one row per session that reached a step without the step before
-- reads: fact_sessions, fact_page_views
-- scope: the sessions of the page views after :from_page_view_key (inside a transform, the
--        sessions the run recomputed; `warehouse check` passes 0: every session)
-- A session reaches a step only after the one before (fact_sessions.reached_*): then, on
-- every day and over any set of sessions, product views <= sessions, carts <= product
-- views, checkouts <= carts, purchases <= checkouts (gold_funnel_daily's counts never
-- grow). A session that breaks it breaks the day's funnel; it is what this finds.
select
    session_row.session_id,
    session_row.reached_product_view,
    session_row.reached_cart,
    session_row.reached_checkout,
    session_row.reached_purchase
from fact_sessions as session_row
where (session_row.reached_cart > session_row.reached_product_view
       or session_row.reached_checkout > session_row.reached_cart
       or session_row.reached_purchase > session_row.reached_checkout)
  and (:from_page_view_key = 0            -- every session (a first load; `warehouse check`)
       or session_row.session_id in (
           select session_id
           from fact_page_views
           where page_view_key > :from_page_view_key
       ))
