-- dim_users: SCD type 1 merge (grain: one row per user_id)
-- keys: user_key surrogate, given on first insert and never changed: a new user takes the
--       next key after the highest so far, in user_id order, so every engine gives every
--       user the same key (real users from 1); user_id natural key
-- reads: silver_transactions, the lines staged in this run (raw_id in (:from_raw_id, :to_raw_id]),
--        and raw_transactions to look up the line each newest value came from
-- Rule: each attribute takes its value from the newest snapshot in which it is not null
-- (newest = greatest '<event_ts> <transaction_id>', its *_version). So a late record
-- never overwrites newer values, a null never erases a known value, and any load order
-- gives the same result. Only this run's lines are read: the dimension remembers the
-- version of each value it holds. A row with no newer value is not touched.
insert into dim_users (
    user_key, user_id, name, email, registration_date, is_inferred,
    name_version, email_version, registration_date_version, created_at, updated_at
)
with staged_snapshot as (
    select
        user_id,
        snapshot_version as version,
        user_name,
        user_email,
        user_registration_date
    from silver_transactions
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and user_id is not null
),

newest_version as (
    select
        user_id,
        max(case when user_name is not null then version end) as name_version,
        max(case when user_email is not null then version end) as email_version,
        max(case when user_registration_date is not null then version end) as registration_date_version
    from staged_snapshot
    group by user_id
),

newest_attribute as (
    -- a version is '<event_ts> <transaction_id>' and event_ts is 27 characters wide,
    -- so the transaction_id starts at character 29: look the value up in that line
    select
        newest_version.user_id,
        (
            select snapshot.user_name
            from raw_transactions as snapshot
            where snapshot.transaction_id = substr(newest_version.name_version, 29)
              and snapshot.load_status = 'loaded'
        ) as name,
        (
            select snapshot.user_email
            from raw_transactions as snapshot
            where snapshot.transaction_id = substr(newest_version.email_version, 29)
              and snapshot.load_status = 'loaded'
        ) as email,
        (
            select snapshot.user_registration_date
            from raw_transactions as snapshot
            where snapshot.transaction_id = substr(newest_version.registration_date_version, 29)
              and snapshot.load_status = 'loaded'
        ) as registration_date,
        newest_version.name_version,
        newest_version.email_version,
        newest_version.registration_date_version
    from newest_version
),

keyed_user as (
    -- a user already in the dimension keeps its key (the merge below never changes it)
    select
        coalesce(
            known.user_key,
            (select coalesce(max(user_key), 0) from dim_users where user_key > 0)
            + row_number() over (
                partition by known.user_key is null
                order by newest_attribute.user_id
            )
        ) as user_key,
        newest_attribute.user_id,
        newest_attribute.name,
        newest_attribute.email,
        newest_attribute.registration_date,
        newest_attribute.name_version,
        newest_attribute.email_version,
        newest_attribute.registration_date_version
    from newest_attribute
    left join dim_users as known
        on known.user_id = newest_attribute.user_id
)

select
    user_key,
    user_id,
    name,
    email,
    registration_date,
    case when name is null and email is null and registration_date is null
         then 1 else 0 end as is_inferred,
    name_version,
    email_version,
    registration_date_version,
    :now as created_at,
    :now as updated_at
from keyed_user
where true
on conflict (user_id) do update set
    name = case when excluded.name_version > coalesce(dim_users.name_version, '')
                then excluded.name else dim_users.name end,
    name_version = case when excluded.name_version > coalesce(dim_users.name_version, '')
                        then excluded.name_version else dim_users.name_version end,
    email = case when excluded.email_version > coalesce(dim_users.email_version, '')
                 then excluded.email else dim_users.email end,
    email_version = case when excluded.email_version > coalesce(dim_users.email_version, '')
                         then excluded.email_version else dim_users.email_version end,
    registration_date = case
        when excluded.registration_date_version > coalesce(dim_users.registration_date_version, '')
        then excluded.registration_date else dim_users.registration_date end,
    registration_date_version = case
        when excluded.registration_date_version > coalesce(dim_users.registration_date_version, '')
        then excluded.registration_date_version else dim_users.registration_date_version end,
    is_inferred = case when dim_users.is_inferred = 1 and excluded.is_inferred = 1
                       then 1 else 0 end,
    updated_at = excluded.updated_at
where excluded.name_version > coalesce(dim_users.name_version, '')
   or excluded.email_version > coalesce(dim_users.email_version, '')
   or excluded.registration_date_version > coalesce(dim_users.registration_date_version, '')
