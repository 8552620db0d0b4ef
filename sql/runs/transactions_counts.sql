-- transactions_counts: rows in the order lines' tables, for run summaries (grain: one row)
-- reads: fact_orders, etl_files, rejected_records
select
    (select count(*) from fact_orders) as fact_orders,
    -- the ingest writes every record of a loaded file to Bronze and none of a refused one
    -- (etl_files_counts_reconcile recounts each file's rows), so the registry gives
    -- Bronze's size without reading it: Bronze has no small index for count(*) to walk
    (select coalesce(sum(records_read), 0)
     from etl_files
     where status = 'loaded' and source = 'transactions') as raw_transactions,
    (select count(*) from rejected_records where source = 'transactions') as rejected_transactions
