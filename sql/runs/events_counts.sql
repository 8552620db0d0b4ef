-- events_counts: rows in the page views' tables, for run summaries (grain: one row)
-- reads: fact_page_views, fact_sessions, etl_files, rejected_records
select
    (select count(*) from fact_page_views) as fact_page_views,
    (select count(*) from fact_sessions) as fact_sessions,
    -- Bronze's size from the registry, as runs/transactions_counts.sql does
    (select coalesce(sum(records_read), 0)
     from etl_files
     where status = 'loaded' and source = 'events') as raw_events,
    (select count(*) from rejected_records where source = 'events') as rejected_events
