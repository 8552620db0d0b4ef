-- funnel: sessions reaching each step of the purchase funnel in one period
-- (grain: one row per funnel step with a session)
-- reads: gold_funnel_daily (the categories do not apply: a session is no order line)
select
    step_number,
    step,
    sum(sessions) as sessions
from gold_funnel_daily
where session_date between :date_from and :date_to
group by step_number, step
order by step_number
