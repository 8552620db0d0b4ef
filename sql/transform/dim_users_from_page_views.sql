-- dim_users_from_page_views: inferred members of dim_users for users that page views name (grain: one row per user_id)
-- keys: user_key as sql/transform/dim_users.sql gives it: the next keys after the highest,
--       in user_id order
-- reads: silver_page_views (the run's page views, bots left out), dim_users
-- A user who logs in before any order line names them is added as an inferred member
-- (is_inferred = 1, no attributes, no versions: Kimball's inferred member), so their
-- sessions can point at them; the first order line that brings their name or email fills
-- it in (dim_users.sql's merge: any version is newer than none). Users already in
-- dim_users are left alone.
insert into dim_users (user_key, user_id, is_inferred, created_at, updated_at)
select
    (select coalesce(max(user_key), 0) from dim_users where user_key > 0)
        + row_number() over (order by seen.user_id) as user_key,
    seen.user_id,
    1 as is_inferred,
    :now as created_at,
    :now as updated_at
from (
    select distinct user_id
    from silver_page_views
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and user_id is not null
      and is_bot = 0
) as seen
where not exists (
    select 1
    from dim_users as known
    where known.user_id = seen.user_id
)
