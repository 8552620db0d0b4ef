-- set_change_reject_reason: why the contract refused one change-event record (grain: raw_id)
-- Run with many rows at once, right after their chunk of Bronze rows went in as
-- 'rejected' (see set_reject_reason.sql).
update raw_changes
set reject_reason = :reject_reason,
    reject_field = :reject_field,
    reject_message = :reject_message
where raw_id = :raw_id
