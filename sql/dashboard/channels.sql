-- channels: sessions by marketing channel in one period, with what they brought
-- (grain: one row per channel with a session)
-- reads: gold_channel_daily
select
    channel,
    sum(sessions) as sessions,
    sum(bounces) as bounces,
    sum(purchases) as purchases,
    cast(sum(revenue_cents) as bigint) as revenue_cents
from gold_channel_daily
where session_date between :date_from and :date_to
group by channel
order by sessions desc, channel
