-- etl_views: the definition each view was created from (grain: one row per view)
-- keys: view_name PK
-- load: when the warehouse is opened for a run, every view whose SQL file (as the
--       engine runs it) has another sha256 than the one recorded here is replaced, in
--       the run's own transaction: an upgraded release never leaves stale Gold behind.
create table if not exists etl_views (
    view_name    text primary key,
    sha256       text not null,
    created_at   text not null
);
