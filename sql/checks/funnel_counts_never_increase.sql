-- funnel_counts_never_increase: on no day does a funnel step have more sessions than the step before it
-- severity: error
-- grain of failing rows: one row per day and step with more sessions than its previous step
-- reads: gold_funnel_daily
-- A session reaches a step only after the one before (fact_sessions.reached_*), so a
-- count that grows along the funnel means the steps were computed wrong.
select
    step.session_date,
    step.step,
    step.sessions,
    previous.step as previous_step,
    previous.sessions as previous_sessions
from gold_funnel_daily as step
inner join gold_funnel_daily as previous
    on previous.session_date = step.session_date
   and previous.step_number = step.step_number - 1
where step.sessions > previous.sessions
