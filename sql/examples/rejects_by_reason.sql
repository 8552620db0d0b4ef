-- Question: why were input records rejected, and which field was at fault?
-- Grain: one row per reason code and field (field is null when the whole record was at fault).
-- Reads: rejected_transactions.
-- share_of_rejects is 0..1 over all rejects; example_message is the message of the
-- first rejected record (lowest raw_id) with that reason and field.
with reason_field as (
    select
        reject.reason_code,
        reject.field,
        count(*) as rejects,
        count(distinct reject.batch_id) as files,
        min(reject.raw_id) as first_raw_id
    from rejected_transactions as reject
    group by reject.reason_code, reject.field
)

select
    reason_field.reason_code,
    reason_field.field,
    reason_field.rejects,
    round(1.0 * reason_field.rejects / sum(reason_field.rejects) over (), 4) as share_of_rejects,
    reason_field.files,
    example.message as example_message
from reason_field
inner join rejected_transactions as example
    on example.raw_id = reason_field.first_raw_id
order by reason_field.rejects desc, reason_field.reason_code, reason_field.field;
