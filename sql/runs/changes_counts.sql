-- changes_counts: rows in the change events' tables, for run summaries (grain: one row)
-- reads: fact_order_lifecycle, fact_payments, dim_products_history, etl_files, rejected_records
select
    (select count(*) from fact_order_lifecycle) as fact_order_lifecycle,
    (select count(*) from fact_payments) as fact_payments,
    (select count(*) from dim_products_history) as dim_products_history,
    -- Bronze's size from the registry, as runs/transactions_counts.sql does
    (select coalesce(sum(records_read), 0)
     from etl_files
     where status = 'loaded' and source = 'changes') as raw_changes,
    (select count(*) from rejected_records where source = 'changes') as rejected_changes
