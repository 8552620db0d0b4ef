-- fact_order_lifecycle (PostgreSQL dialect): accumulating snapshot of orders (grain: as in fact_order_lifecycle.sql)
-- keys, load: as schema/fact_order_lifecycle.sql (same columns, same order).
-- Why a twin: PostgreSQL types: bigint keys, cents and epochs, timestamptz, double
--       precision, and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists fact_order_lifecycle (
    order_id                    text collate "C" primary key,
    user_key                    bigint not null references dim_users (user_key),
    current_status              text collate "C" not null
                                check (current_status = 'placed' or current_status = 'paid'
                                       or current_status = 'shipped' or current_status = 'delivered'
                                       or current_status = 'cancelled' or current_status = 'refunded'),
    placed_at                   timestamptz not null,
    paid_at                     timestamptz,
    shipped_at                  timestamptz,
    delivered_at                timestamptz,
    cancelled_at                timestamptz,
    refunded_at                 timestamptz,
    placed_date_key             integer not null references dim_date (date_key),
    paid_date_key               integer not null references dim_date (date_key),
    shipped_date_key            integer not null references dim_date (date_key),
    delivered_date_key          integer not null references dim_date (date_key),
    cancelled_date_key          integer not null references dim_date (date_key),
    refunded_date_key           integer not null references dim_date (date_key),
    placed_us                   bigint not null,
    paid_us                     bigint,
    shipped_us                  bigint,
    delivered_us                bigint,
    cancelled_us                bigint,
    refunded_us                 bigint,
    placed_to_paid_hours        double precision,
    paid_to_shipped_hours       double precision,
    shipped_to_delivered_hours  double precision,
    placed_to_delivered_hours   double precision,
    carrier                     text collate "C",
    items_total_cents           bigint not null check (items_total_cents >= 0),
    items_net_cents             bigint not null check (items_net_cents >= 0),
    captured_cents              bigint not null check (captured_cents >= 0),
    refunded_cents              bigint not null check (refunded_cents >= 0),
    updated_at                  timestamptz not null
);
