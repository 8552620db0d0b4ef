-- record_view: note the definition a view was (re)created from (grain: one etl_views row)
-- model/schema.py runs it after each view it creates, with the sha256 of the view's SQL.
insert into etl_views (view_name, sha256, created_at)
values (:view_name, :sha256, :created_at)
on conflict (view_name) do update set
    sha256 = excluded.sha256,
    created_at = excluded.created_at
