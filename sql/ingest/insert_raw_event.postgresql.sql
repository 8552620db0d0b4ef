-- insert_raw_event (PostgreSQL dialect): append page-view records to Bronze (grain: as in insert_raw_event.sql)
-- The same columns as insert_raw_event.sql, in the same order, loaded with COPY: one COPY
-- carries the chunks of a file (as for order lines).
-- Why a twin: COPY ... FROM STDIN is PostgreSQL's bulk load; SQLite has none.
copy raw_events (
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    event_id, event_id_derived, event_ts, event_date, date_key, event_epoch_us,
    page_url, page_host, page_path, utm_source, utm_medium, utm_campaign, query_order_id,
    anonymous_id, user_id, session_id, referrer, referrer_host, ip, user_agent
) from stdin
