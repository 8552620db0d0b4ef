-- table_counts: rows in each star table and the quarantine, for run summaries
-- (the unknown members, key -1, are not counted)
select
    (select count(*) from fact_orders) as fact_orders,
    (select count(*) from dim_users where user_key <> -1) as dim_users,
    (select count(*) from dim_products where product_key <> -1) as dim_products,
    (select count(*) from dim_date) as dim_date,
    -- the ingest writes every record of a loaded file to Bronze and none of a refused one
    -- (etl_files_counts_reconcile recounts each file's rows), so the registry gives
    -- Bronze's size without reading it: Bronze has no small index for count(*) to walk
    (select coalesce(sum(records_read), 0) from etl_files where status = 'loaded') as raw_transactions,
    (select count(*) from rejected_transactions) as rejected_transactions
