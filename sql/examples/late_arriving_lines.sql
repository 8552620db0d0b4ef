-- Question: which batches brought late-arriving lines, and how late were they?
-- Grain: one row per batch file (etl_files row) with at least one late line.
-- Reads: fact_orders, dim_date, etl_files.
-- A line is late when its order date is before the newest order date of its own
-- batch (a daily file mostly holds that day; a late line belongs to an earlier day).
-- days_late is the gap in calendar days.
with batch_line as (
    select
        sale.batch_id,
        calendar.full_date as order_date,
        max(calendar.full_date) over (partition by sale.batch_id) as batch_date
    from fact_orders as sale
    inner join dim_date as calendar
        on calendar.date_key = sale.date_key
),

dated_line as (
    select
        batch_id,
        order_date,
        batch_date,
        cast(julianday(batch_date) - julianday(order_date) as integer) as days_late
    from batch_line
),

batch_lateness as (
    select
        batch_id,
        batch_date,
        count(*) as lines,
        sum(case when days_late > 0 then 1 else 0 end) as late_lines,
        max(days_late) as max_days_late
    from dated_line
    group by batch_id, batch_date
)

select
    batch.file_id as batch_id,
    batch.path,
    lateness.batch_date,
    lateness.lines,
    lateness.late_lines,
    round(1.0 * lateness.late_lines / lateness.lines, 4) as share_late,
    lateness.max_days_late
from batch_lateness as lateness
inner join etl_files as batch
    on batch.file_id = lateness.batch_id
where lateness.late_lines > 0
order by batch.file_id;
