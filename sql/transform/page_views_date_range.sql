-- page_views_date_range: the first and last date of the page views staged in this run
-- (grain: one row; both null when the run staged no page view but a bot's)
-- reads: silver_page_views (raw_id in (:from_raw_id, :to_raw_id], bots left out)
-- Bound into transform/dim_date.sql, which extends the calendar to cover them.
select
    min(event_date) as first_date,
    max(event_date) as last_date
from silver_page_views
where raw_id > :from_raw_id
  and raw_id <= :to_raw_id
  and is_bot = 0
