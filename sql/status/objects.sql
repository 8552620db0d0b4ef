-- objects: the warehouse's tables and views, by name (portable: information_schema)
-- grain: one row per table or view in the current schema
-- reads: information_schema.tables
-- object_type is 'table' or 'view'; row counts are taken per object by the caller.
select
    table_name as name,
    case when table_type = 'VIEW' then 'view' else 'table' end as object_type
from information_schema.tables
where table_schema = current_schema()
order by object_type, name
