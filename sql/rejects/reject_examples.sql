-- reject_examples: the first few rejected records of each input kind and reason code, with their text
-- grain: one row per rejected record, at most :per_reason per (source, reason_code)
-- reads: rejected_records
with numbered_reject as (
    select
        source,
        reason_code,
        source_file,
        record_number,
        field,
        message,
        raw_text,
        row_number() over (partition by source, reason_code order by raw_id) as example_number
    from rejected_records
    where (cast(:reason as text) is null or reason_code = :reason)
      and (cast(:source as text) is null or source = :source)
)

select source, reason_code, source_file, record_number, field, message, raw_text
from numbered_reject
where example_number <= :per_reason
order by source, reason_code, example_number
