-- duckdb_star: the star an analyst who knows DuckDB would write in plain SQL, the peer
-- `warehouse bench --compare` times our engines against (grain: one row per order line in
-- fact_orders, per user in dim_users, per product in dim_products, per day in
-- gold_daily_sales)
-- keys: user_key, product_key given by row_number() in natural-key order; the fact keeps
--       transaction_id
-- reads: one batch file, named by the variable batch_file (SET VARIABLE batch_file = '...')
-- It validates nothing, quarantines nothing and keeps no Bronze text: read_json, the latest
-- non-null attributes per key (arg_max by time), a fact in integer cents, one Gold view.
-- The bench runs it with DuckDB's defaults (all cores, 80% of the memory), as a user would.
create or replace table order_lines as
select
    transaction_id,
    order_id,
    cast("timestamp" as timestamp) as event_ts,
    status,
    quantity,
    cast(round(price * 100) as bigint) as price_cents,
    "user".user_id as user_id,
    "user"."name" as user_name,
    "user".email as user_email,
    "user".registration_date as registration_date,
    product.product_id as product_id,
    product."name" as product_name,
    product.category as category,
    cast(round(product.unit_price * 100) as bigint) as list_price_cents
from read_json(getvariable('batch_file'));

create or replace table dim_users as
select
    row_number() over (order by user_id) as user_key,
    user_id,
    arg_max(user_name, event_ts) filter (where user_name is not null) as "name",
    arg_max(user_email, event_ts) filter (where user_email is not null) as email,
    arg_max(registration_date, event_ts) filter (where registration_date is not null)
        as registration_date
from order_lines
where user_id is not null
group by user_id;

create or replace table dim_products as
select
    row_number() over (order by product_id) as product_key,
    product_id,
    arg_max(product_name, event_ts) filter (where product_name is not null) as product_name,
    arg_max(category, event_ts) filter (where category is not null) as category,
    arg_max(list_price_cents, event_ts) filter (where list_price_cents is not null)
        as list_price_cents
from order_lines
where product_id is not null
group by product_id;

create or replace table fact_orders as
select
    line.transaction_id,
    line.order_id,
    coalesce(customer.user_key, -1) as user_key,
    item.product_key,
    cast(strftime(line.event_ts, '%Y%m%d') as integer) as date_key,
    line.quantity,
    line.price_cents as unit_price_cents,
    line.quantity * line.price_cents as total_amount_cents,
    line.status,
    line.event_ts as order_timestamp
from order_lines as line
left join dim_users as customer on customer.user_id = line.user_id
inner join dim_products as item on item.product_id = line.product_id;

create or replace view gold_daily_sales as
select
    cast(order_timestamp as date) as sales_date,
    count(distinct order_id) as orders,
    sum(quantity) as units,
    sum(total_amount_cents) as net_revenue_cents
from fact_orders
where status = 'completed'
group by 1;

select count(*) as lines, (select sum(net_revenue_cents) from gold_daily_sales) as net_revenue_cents
from fact_orders;
