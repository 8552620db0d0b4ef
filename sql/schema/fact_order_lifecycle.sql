-- fact_order_lifecycle: accumulating snapshot of orders (grain: one row per order_id)
-- keys: order_id PK (degenerate dimension, as in fact_orders); user_key references
--       dim_users; placed/paid/shipped/delivered/cancelled/refunded_date_key reference
--       dim_date, -1 (the unknown date) while the milestone has not happened
-- measures: *_at, the time each milestone was first reached (an orders change event with
--       that status; placed = created_at); lags in hours between milestones (null until
--       both happened); items_total_cents (the order's lines in fact_orders, all statuses)
--       and items_net_cents (its completed lines: the order-line net revenue);
--       captured_cents and refunded_cents (its payments now); the carrier of its shipment.
-- load: sql/transform/fact_order_lifecycle.sql recomputes the rows of the orders a run's
--       change events touched (stage_lifecycle_orders), from all their events, so a row
--       fills in milestone by milestone as the days' files arrive, whatever their order;
--       sql/transform/fact_order_lifecycle_items.sql refreshes the items totals when order
--       lines arrive. A deleted order leaves the fact.
create table if not exists fact_order_lifecycle (
    order_id                    text    primary key,
    user_key                    integer not null references dim_users (user_key),
    current_status              text    not null
                                check (current_status = 'placed' or current_status = 'paid'
                                       or current_status = 'shipped' or current_status = 'delivered'
                                       or current_status = 'cancelled' or current_status = 'refunded'),
    placed_at                   text    not null,
    paid_at                     text,
    shipped_at                  text,
    delivered_at                text,
    cancelled_at                text,
    refunded_at                 text,
    placed_date_key             integer not null references dim_date (date_key),
    paid_date_key               integer not null references dim_date (date_key),
    shipped_date_key            integer not null references dim_date (date_key),
    delivered_date_key          integer not null references dim_date (date_key),
    cancelled_date_key          integer not null references dim_date (date_key),
    refunded_date_key           integer not null references dim_date (date_key),
    placed_us                   integer not null,
    paid_us                     integer,
    shipped_us                  integer,
    delivered_us                integer,
    cancelled_us                integer,
    refunded_us                 integer,
    placed_to_paid_hours        real,
    paid_to_shipped_hours       real,
    shipped_to_delivered_hours  real,
    placed_to_delivered_hours   real,
    carrier                     text,
    items_total_cents           integer not null check (items_total_cents >= 0),
    items_net_cents             integer not null check (items_net_cents >= 0),
    captured_cents              integer not null check (captured_cents >= 0),
    refunded_cents              integer not null check (refunded_cents >= 0),
    updated_at                  text    not null
);
