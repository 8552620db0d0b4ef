-- gold_monthly_cohort_retention: monthly cohorts of customers and how many come back
-- (grain: one row per cohort_month, months_since_first)
-- keys: (cohort_month, months_since_first)
-- reads: fact_orders, dim_date
-- A customer's cohort is the month (YYYY-MM) of their first completed order;
-- active_customers counts cohort members with a completed order that many months
-- later; retention_rate = active_customers / cohort_size. Guests are excluded.
create view gold_monthly_cohort_retention as
with customer_month as (
    select distinct
        sale.user_key,
        calendar.year_month,
        calendar.year * 12 + calendar.month as month_number
    from fact_orders as sale
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
    where sale.status = 'completed'
      and sale.user_key <> -1
),

first_month as (
    select
        user_key,
        min(month_number) as first_month_number
    from customer_month
    group by user_key
),

cohort_activity as (
    select
        cohort.year_month as cohort_month,
        activity.month_number - first_month.first_month_number as months_since_first,
        activity.user_key
    from customer_month as activity
    inner join first_month
        on first_month.user_key = activity.user_key
    inner join customer_month as cohort
        on cohort.user_key = first_month.user_key
       and cohort.month_number = first_month.first_month_number
),

cohort_size as (
    select cohort_month, count(*) as cohort_size
    from cohort_activity
    where months_since_first = 0
    group by cohort_month
)

select
    cohort_activity.cohort_month,
    cohort_activity.months_since_first,
    cohort_size.cohort_size,
    count(*) as active_customers,
    1.0 * count(*) / cohort_size.cohort_size as retention_rate
from cohort_activity
inner join cohort_size
    on cohort_size.cohort_month = cohort_activity.cohort_month
group by cohort_activity.cohort_month, cohort_activity.months_since_first, cohort_size.cohort_size
