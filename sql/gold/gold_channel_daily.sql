-- gold_channel_daily: sessions and what they brought, per day and marketing channel (grain: one row per session_date and channel)
-- keys: (session_date, channel)
-- reads: fact_sessions, dim_channel, dim_date
-- session_date is the UTC date the session started; a channel without a session that
-- day has no row. bounce_rate = bounces / sessions; conversion_rate = purchases (sessions
-- that reached the purchase step) / sessions; revenue_cents sums the sessions' orders'
-- net revenue; revenue_per_session_cents = revenue_cents / sessions, rounded half up to
-- whole cents. The sums are cast to bigint: the division must stay an integer division
-- on every engine.
-- Rates are divisions in double precision (cast ... as double precision) on every engine, so
-- SQLite and PostgreSQL give the very same numbers, to the last digit.
create view gold_channel_daily as
with daily as (
    select
        calendar.full_date as session_date,
        channel.channel,
        count(*) as sessions,
        sum(session_row.is_bounce) as bounces,
        sum(session_row.reached_purchase) as purchases,
        cast(sum(session_row.revenue_cents) as bigint) as revenue_cents
    from fact_sessions as session_row
    inner join dim_channel as channel
        on channel.channel_key = session_row.channel_key
    inner join dim_date as calendar
        on calendar.date_key = session_row.date_key
    group by calendar.full_date, channel.channel
)

select
    session_date,
    channel,
    sessions,
    bounces,
    cast(bounces as double precision) / sessions as bounce_rate,
    purchases,
    cast(purchases as double precision) / sessions as conversion_rate,
    revenue_cents,
    (revenue_cents + sessions / 2) / sessions as revenue_per_session_cents,
    revenue_cents / 100.0 as revenue
from daily
