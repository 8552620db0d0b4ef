-- fact_order_lifecycle (DuckDB dialect): accumulating snapshot of orders (grain: as in fact_order_lifecycle.sql)
-- keys, load: as in fact_order_lifecycle.sql (same columns, same order)
-- Why a twin: DuckDB's real is 32-bit (SQLite's a double): double hours; DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents
--       and epoch microseconds; no foreign keys: DuckDB builds an in-memory index for each.
create table if not exists fact_order_lifecycle (
    order_id                    text    primary key,
    user_key                    bigint not null,
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
    placed_date_key             bigint not null,
    paid_date_key               bigint not null,
    shipped_date_key            bigint not null,
    delivered_date_key          bigint not null,
    cancelled_date_key          bigint not null,
    refunded_date_key           bigint not null,
    placed_us                   bigint not null,
    paid_us                     bigint,
    shipped_us                  bigint,
    delivered_us                bigint,
    cancelled_us                bigint,
    refunded_us                 bigint,
    placed_to_paid_hours        double,
    paid_to_shipped_hours       double,
    shipped_to_delivered_hours  double,
    placed_to_delivered_hours   double,
    carrier                     text,
    items_total_cents           bigint not null check (items_total_cents >= 0),
    items_net_cents             bigint not null check (items_net_cents >= 0),
    captured_cents              bigint not null check (captured_cents >= 0),
    refunded_cents              bigint not null check (refunded_cents >= 0),
    updated_at                  text    not null
);
