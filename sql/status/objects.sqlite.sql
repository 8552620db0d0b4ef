-- objects (SQLite dialect): the warehouse's tables and views, by name
-- grain: one row per table or view of the main database (SQLite's own sqlite_% tables left out)
-- reads: sqlite_master
-- object_type is 'table' or 'view'; row counts are taken per object by the caller.
select
    name,
    type as object_type
from sqlite_master
where type in ('table', 'view')
  and name not like 'sqlite\_%' escape '\'
order by object_type, name
