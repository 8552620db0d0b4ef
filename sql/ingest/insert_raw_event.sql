-- insert_raw_event: append one page-view record to Bronze (grain: file, record_number)
-- Run with many rows at once (executemany). Every record lands here, valid or not:
-- valid ones as 'loaded' (mark_later_event_copies.sql then demotes repeated event_ids),
-- invalid ones as 'rejected' (set_event_reject_reason.sql then adds the reason).
insert into raw_events (
    raw_id, batch_id, source_file, loaded_at, record_number, raw_text, load_status,
    event_id, event_id_derived, event_ts, event_date, date_key, event_epoch_us,
    page_url, page_host, page_path, utm_source, utm_medium, utm_campaign, query_order_id,
    anonymous_id, user_id, session_id, referrer, referrer_host, ip, user_agent
)
values (
    :raw_id, :batch_id, :source_file, :loaded_at, :record_number, :raw_text, :load_status,
    :event_id, :event_id_derived, :event_ts, :event_date, :date_key, :event_epoch_us,
    :page_url, :page_host, :page_path, :utm_source, :utm_medium, :utm_campaign, :query_order_id,
    :anonymous_id, :user_id, :session_id, :referrer, :referrer_host, :ip, :user_agent
)
