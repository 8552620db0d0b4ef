-- gold_order_status: the mix of line statuses (grain: one row per status)
-- keys: status ('completed', 'cancelled', 'refunded')
-- reads: fact_orders
-- share_of_lines = lines with this status / all lines (0..1).
create view gold_order_status as
with status_lines as (
    select
        status,
        count(*) as lines,
        count(distinct order_id) as orders,
        sum(total_amount_cents) as gross_revenue_cents
    from fact_orders
    group by status
)

select
    status,
    lines,
    orders,
    gross_revenue_cents,
    1.0 * lines / sum(lines) over () as share_of_lines
from status_lines
