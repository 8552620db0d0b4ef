-- etl_views (PostgreSQL dialect): the definition each view was created from (grain: as in etl_views.sql)
-- keys: view_name PK
-- load: as schema/etl_views.sql. Why a twin: timestamptz, text compared byte-wise.
create table if not exists etl_views (
    view_name    text collate "C" primary key,
    sha256       text collate "C" not null,
    created_at   timestamptz not null
);
