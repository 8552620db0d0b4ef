-- Question: what did SCD type 1 overwrite in dim_users, and what would SCD type 2 have kept?
-- Grain: one row per user and attribute version, for the users whose name, email or
--        registration date changed over time; a version is a run of consecutive
--        snapshots (in event time) with the same values.
-- Reads: silver_transactions (the Bronze snapshots of raw_transactions that loaded),
--        dim_users.
-- An SCD2 dimension would hold every row below, each valid from valid_from until
-- valid_to (null: still current). dim_users (SCD1) holds only the current values:
-- kept_in_dim_users = 0 marks the versions it overwrote.
with user_snapshot as (
    select
        line.user_id,
        line.event_ts,
        line.transaction_id,
        line.user_name as name,
        line.user_email as email,
        line.user_registration_date as registration_date
    from silver_transactions as line
    where line.user_id is not null
),

flagged_snapshot as (
    select
        user_id,
        event_ts,
        transaction_id,
        name,
        email,
        registration_date,
        case
            when lag(user_id) over by_time is null then 1
            when lag(name) over by_time is distinct from name
              or lag(email) over by_time is distinct from email
              or lag(registration_date) over by_time is distinct from registration_date then 1
            else 0
        end as starts_version
    from user_snapshot
    window by_time as (partition by user_id order by event_ts, transaction_id)
),

numbered_snapshot as (
    select
        user_id,
        event_ts,
        name,
        email,
        registration_date,
        sum(starts_version) over (
            partition by user_id
            order by event_ts, transaction_id
            rows between unbounded preceding and current row
        ) as version
    from flagged_snapshot
),

user_version as (
    select
        user_id,
        version,
        name,
        email,
        registration_date,
        min(event_ts) as valid_from,
        count(*) as snapshots
    from numbered_snapshot
    group by user_id, version, name, email, registration_date
),

changed_user as (
    select
        user_id,
        max(version) as versions
    from user_version
    group by user_id
    having max(version) > 1
)

select
    user_version.user_id,
    user_version.version,
    changed_user.versions,
    user_version.name,
    user_version.email,
    user_version.registration_date,
    user_version.valid_from,
    lead(user_version.valid_from) over (
        partition by user_version.user_id
        order by user_version.version
    ) as valid_to,
    user_version.snapshots,
    case when customer.name is not distinct from user_version.name
          and customer.email is not distinct from user_version.email
          and customer.registration_date is not distinct from user_version.registration_date
         then 1 else 0 end as kept_in_dim_users
from user_version
inner join changed_user
    on changed_user.user_id = user_version.user_id
inner join dim_users as customer
    on customer.user_id = user_version.user_id
order by user_version.user_id, user_version.version;
