-- page_views_size: the highest page_view_key so far; the run's page views come after it
-- reads: fact_page_views (its integer primary key, so this is instant)
select coalesce(max(page_view_key), 0) as page_views
from fact_page_views
