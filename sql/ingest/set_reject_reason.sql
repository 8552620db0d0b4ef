-- set_reject_reason: why the contract refused one record (grain: raw_id)
-- Run with many rows at once, right after their chunk of Bronze rows went in as
-- 'rejected'. (The insert itself carries no reject columns: on the valid rows they would
-- be three NULLs, and binding them cost a fifth of the insert's time.)
update raw_transactions
set reject_reason = :reject_reason,
    reject_field = :reject_field,
    reject_message = :reject_message
where raw_id = :raw_id
