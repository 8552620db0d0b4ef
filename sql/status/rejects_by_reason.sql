-- rejects_by_reason: the quarantine summed by input kind and reason code, most frequent first
-- grain: one row per (source, reason_code)
-- reads: rejected_records
-- example_message is the message of the earliest rejected record with that code.
with reason_count as (
    select
        source,
        reason_code,
        count(*) as rejects,
        min(raw_id) as first_raw_id
    from rejected_records
    group by source, reason_code
)

select
    reason_count.source,
    reason_count.reason_code,
    reason_count.rejects,
    example.message as example_message
from reason_count
inner join rejected_records as example
    on example.source = reason_count.source
   and example.raw_id = reason_count.first_raw_id
order by reason_count.rejects desc, reason_count.source, reason_count.reason_code
