-- gold_daily_sales: sales per UTC day (grain: one row per sales_date with any line)
-- keys: sales_date (YYYY-MM-DD)
-- reads: fact_orders, dim_date
-- net_* counts completed lines only; gross_* counts every line (incl. cancelled and
-- refunded). orders and customers count completed orders and known (non-guest)
-- customers. avg_order_value_cents = net / orders, rounded half up, in whole cents.
-- The sums are cast to bigint: PostgreSQL sums a bigint as numeric, and the
-- average must stay an integer division on both engines.
create view gold_daily_sales as
with daily as (
    select
        calendar.full_date as sales_date,
        count(distinct case when sale.status = 'completed' then sale.order_id end) as orders,
        sum(case when sale.status = 'completed' then sale.quantity else 0 end) as units,
        count(distinct case when sale.status = 'completed' and sale.user_key <> -1
                            then sale.user_key end) as customers,
        cast(sum(case when sale.status = 'completed' then sale.total_amount_cents else 0 end)
            as bigint) as net_revenue_cents,
        cast(sum(sale.total_amount_cents) as bigint) as gross_revenue_cents
    from fact_orders as sale
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
    group by calendar.full_date
)

select
    sales_date,
    orders,
    units,
    customers,
    net_revenue_cents,
    gross_revenue_cents,
    case when orders > 0 then (net_revenue_cents + orders / 2) / orders end
        as avg_order_value_cents,
    net_revenue_cents / 100.0 as net_revenue
from daily
