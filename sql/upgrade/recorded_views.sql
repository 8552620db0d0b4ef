-- recorded_views: the sha256 of the definition each view was last created from
-- grain: one row per view; reads: etl_views
select view_name, sha256
from etl_views
