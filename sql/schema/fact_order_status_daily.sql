-- fact_order_status_daily: periodic snapshot of orders by status (grain: one row per day and status)
-- keys: (date_key, status) PK; date_key references dim_date
-- measures: orders, the orders in that status at the end of the day (by their lifecycle's
--       milestones in fact_order_lifecycle); every status has a row every day, zeros included,
--       from the first day an order was placed to the calendar's last day
-- load: sql/transform/fact_order_status_daily.sql replaces the days from the first one the
--       run's change events can alter (stage_lifecycle_orders.affected_from_date_key) onwards,
--       and adds the days the calendar gained since.
create table if not exists fact_order_status_daily (
    date_key    integer not null references dim_date (date_key),
    status      text    not null
                check (status = 'placed' or status = 'paid' or status = 'shipped'
                       or status = 'delivered' or status = 'cancelled' or status = 'refunded'),
    orders      integer not null check (orders >= 0),
    primary key (date_key, status)
);
