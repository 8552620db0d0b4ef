-- 0003_changes: from version 2 (order lines and page views) to version 3 (the change events
-- kind, the DuckDB engine, the export)
-- Runs in the transaction that opens the warehouse for a run (model/schema.py), like 0002.
-- Nothing that exists changes: the change events' tables (raw_changes, the Silver
-- current-state tables, dim_products_history, fact_order_lifecycle, fact_payments,
-- fact_order_status_daily) come from their own files in sql/schema/, which run after the
-- migrations and create what is missing. The version is recorded so that a read-only
-- command (status, query, check, report, export) meeting a version-2 warehouse says
-- "run warehouse upgrade" instead of failing on a table it does not have yet.
select 1;
