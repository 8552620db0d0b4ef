-- gold_customer_lifetime_value: what each known customer has bought
-- (grain: one row per user with at least one line; guests excluded)
-- keys: user_id
-- reads: fact_orders, dim_users, dim_date
-- orders and net_revenue_cents count completed orders only; first/last order dates
-- span every line. avg_order_value_cents = net / orders, rounded half up.
-- The sums are cast to bigint: PostgreSQL sums a bigint as numeric, and the
-- average must stay an integer division on both engines.
create view gold_customer_lifetime_value as
with customer_orders as (
    select
        customer.user_id,
        customer.name,
        min(calendar.full_date) as first_order_date,
        max(calendar.full_date) as last_order_date,
        count(distinct case when sale.status = 'completed' then sale.order_id end) as orders,
        cast(sum(case when sale.status = 'completed' then sale.total_amount_cents else 0 end)
            as bigint) as net_revenue_cents
    from fact_orders as sale
    inner join dim_users as customer
        on customer.user_key = sale.user_key
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
    where sale.user_key <> -1
    group by customer.user_id, customer.name
)

select
    user_id,
    name,
    first_order_date,
    last_order_date,
    orders,
    net_revenue_cents,
    case when orders > 0 then (net_revenue_cents + orders / 2) / orders end
        as avg_order_value_cents
from customer_orders
