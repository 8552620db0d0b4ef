-- schema_version: the warehouse's schema version (grain: one value; null before any is recorded)
-- reads: etl_schema_versions
select max(version) as version
from etl_schema_versions
