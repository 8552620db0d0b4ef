-- dim_users: SCD type 1 upsert (grain: one row per user_id)
-- keys: user_key surrogate, given on first insert and never changed; user_id natural key
-- reads: silver_users_latest, for the users named by lines staged in this run
--        (raw_id in (:from_raw_id, :to_raw_id])
-- A changed attribute overwrites the old value in place (type 1: no history kept);
-- a row whose attributes did not change is not touched, so updated_at stays.
insert into dim_users (user_id, name, email, registration_date, is_inferred, created_at, updated_at)
select
    latest_user.user_id,
    latest_user.name,
    latest_user.email,
    latest_user.registration_date,
    latest_user.is_inferred,
    :now,
    :now
from silver_users_latest as latest_user
where latest_user.user_id in (
    select staged.user_id
    from silver_transactions as staged
    where staged.raw_id > :from_raw_id
      and staged.raw_id <= :to_raw_id
)
on conflict (user_id) do update set
    name = excluded.name,
    email = excluded.email,
    registration_date = excluded.registration_date,
    is_inferred = excluded.is_inferred,
    updated_at = excluded.updated_at
where dim_users.name is distinct from excluded.name
   or dim_users.email is distinct from excluded.email
   or dim_users.registration_date is distinct from excluded.registration_date
   or dim_users.is_inferred is distinct from excluded.is_inferred
