-- rejects_by_reason_and_file: the quarantine counted by reason code and source file
-- grain: one row per (reason_code, source_file)
-- reads: rejected_transactions
-- field is the field at fault most often for that reason and file.
select
    reason_code,
    source_file,
    count(*) as rejects,
    min(record_number) as first_record,
    max(field) as field
from rejected_transactions
where (cast(:reason as text) is null or reason_code = :reason)
group by reason_code, source_file
order by reason_code, source_file
