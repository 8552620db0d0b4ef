-- set_event_reject_reason: why the contract refused one page-view record (grain: raw_id)
-- Run with many rows at once, right after their chunk of Bronze rows went in as
-- 'rejected' (see set_reject_reason.sql).
update raw_events
set reject_reason = :reject_reason,
    reject_field = :reject_field,
    reject_message = :reject_message
where raw_id = :raw_id
