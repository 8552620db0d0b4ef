-- fact_order_lifecycle_items: bring the lifecycle's items totals and customer up to date when order lines arrive (grain: one row per order_id)
-- keys: order_id
-- reads: fact_orders (the order lines this run added: order_key > :from_order_key, the
--        highest key before the run), dim_users, silver_orders_current
-- The changes kind follows the order lines: a run that brings only order lines still
-- runs this step, so an order whose lines arrive after its change events gets its totals.
update fact_order_lifecycle
set items_total_cents = (
        select coalesce(sum(line.total_amount_cents), 0)
        from fact_orders as line
        where line.order_id = fact_order_lifecycle.order_id
    ),
    items_net_cents = (
        select coalesce(sum(case when line.status = 'completed' then line.total_amount_cents else 0 end), 0)
        from fact_orders as line
        where line.order_id = fact_order_lifecycle.order_id
    ),
    user_key = coalesce((
        select customer.user_key
        from silver_orders_current as current_row
        inner join dim_users as customer
            on customer.user_id = current_row.user_id
        where current_row.order_id = fact_order_lifecycle.order_id
    ), -1),
    updated_at = :now
where order_id in (
    select order_id
    from fact_orders
    where order_key > :from_order_key
)
