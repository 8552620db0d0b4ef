-- dim_users_keys: every user has a surrogate key and a natural key, each unique
-- severity: error
-- grain of failing rows: one row per offending user_key or user_id
-- reads: dim_users
select user_key, user_id, 'duplicate user_id' as problem
from dim_users
where user_id in (
    select user_id from dim_users group by user_id having count(*) > 1
)
union all
select user_key, user_id, 'null key' as problem
from dim_users
where user_key is null or user_id is null
