-- reject_examples: the first few rejected records of each reason code, with their text
-- grain: one row per rejected record, at most :per_reason per reason_code
-- reads: rejected_transactions
with numbered_reject as (
    select
        reason_code,
        source_file,
        record_number,
        field,
        message,
        raw_text,
        row_number() over (partition by reason_code order by raw_id) as example_number
    from rejected_transactions
    where (cast(:reason as text) is null or reason_code = :reason)
)

select reason_code, source_file, record_number, field, message, raw_text
from numbered_reject
where example_number <= :per_reason
order by reason_code, example_number
