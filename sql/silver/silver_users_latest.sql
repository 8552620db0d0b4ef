-- silver_users_latest: current snapshot of every user (grain: one row per user_id)
-- keys: user_id
-- reads: silver_transactions (every line that names a user)
-- Rule (SCD1 source): each attribute takes its value from the newest snapshot
-- (latest event_ts, ties broken by the greatest transaction_id) in which it is not
-- null, so a late record never overwrites newer values and a missing attribute
-- never erases a known one. A user seen only by id is inferred (is_inferred = 1).
create view silver_users_latest as
with user_snapshot as (
    select
        user_id,
        event_ts,
        transaction_id,
        user_name,
        user_email,
        user_registration_date
    from silver_transactions
    where user_id is not null
),

latest_attribute as (
    select
        user_id,
        first_value(user_name) over (
            partition by user_id
            order by user_name is null, event_ts desc, transaction_id desc
        ) as name,
        first_value(user_email) over (
            partition by user_id
            order by user_email is null, event_ts desc, transaction_id desc
        ) as email,
        first_value(user_registration_date) over (
            partition by user_id
            order by user_registration_date is null, event_ts desc, transaction_id desc
        ) as registration_date
    from user_snapshot
)

select distinct
    user_id,
    name,
    email,
    registration_date,
    case when name is null and email is null and registration_date is null
         then 1 else 0 end as is_inferred
from latest_attribute
