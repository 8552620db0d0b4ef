-- insert_raw_event (DuckDB dialect): append a chunk of page-view records to Bronze (grain: as in insert_raw_event.sql)
-- Why a twin: DuckDB takes a chunk of rows in one statement, not one statement per row:
--       the engine puts the chunk in the temporary table `chunk` (its columns named after
--       the portable file's parameters; see engines/duckdb_bulk.py) and runs this once.
insert into raw_events (
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    event_id, event_id_derived, event_ts, event_date, date_key, event_epoch_us,
    page_url, page_host, page_path, utm_source, utm_medium, utm_campaign, query_order_id,
    anonymous_id, user_id, session_id, referrer, referrer_host, ip, user_agent
)
select
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    event_id, event_id_derived, event_ts, event_date, date_key, event_epoch_us,
    page_url, page_host, page_path, utm_source, utm_medium, utm_campaign, query_order_id,
    anonymous_id, user_id, session_id, referrer, referrer_host, ip, user_agent

from chunk
