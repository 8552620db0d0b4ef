-- rejects_by_reason: the quarantine summed by reason code, most frequent first
-- grain: one row per reason_code
-- reads: rejected_transactions
-- example_message is the message of the earliest rejected record with that code.
with reason_count as (
    select
        reason_code,
        count(*) as rejects,
        min(raw_id) as first_raw_id
    from rejected_transactions
    group by reason_code
)

select
    reason_count.reason_code,
    reason_count.rejects,
    example.message as example_message
from reason_count
inner join rejected_transactions as example
    on example.raw_id = reason_count.first_raw_id
order by reason_count.rejects desc, reason_count.reason_code
