-- cohort_retention: monthly cohorts of customers and how many come back, for the dashboard
-- (grain: as in gold/gold_monthly_cohort_retention.sql: one row per cohort_month,
-- months_since_first)
-- reads: gold_monthly_cohort_retention (every month of history: a cohort is not cut by
-- the dashboard's date or category filter)
select
    cohort_month,
    months_since_first,
    cohort_size,
    active_customers,
    retention_rate
from gold_monthly_cohort_retention
order by cohort_month, months_since_first
