-- Question: which channels bring sessions that buy, and how much does a session bring?
-- Grain: one row per channel with at least one session (all days).
-- Reads: fact_sessions, dim_channel.
-- A session's channel comes from its first page view (channel_rules); it buys when it
-- reaches the purchase step; its revenue is its order's net revenue in exact cents.
-- Rates are shares of the channel's sessions; revenue_per_session_cents is rounded half
-- up to whole cents.
with channel_total as (
    select
        channel.channel,
        count(*) as sessions,
        sum(session_row.is_bounce) as bounces,
        sum(session_row.reached_purchase) as purchases,
        cast(sum(session_row.revenue_cents) as bigint) as revenue_cents
    from fact_sessions as session_row
    inner join dim_channel as channel
        on channel.channel_key = session_row.channel_key
    group by channel.channel
)

select
    channel,
    sessions,
    cast(bounces as double precision) / sessions as bounce_rate,
    purchases,
    cast(purchases as double precision) / sessions as conversion_rate,
    revenue_cents,
    (revenue_cents + sessions / 2) / sessions as revenue_per_session_cents
from channel_total
order by sessions desc, channel
