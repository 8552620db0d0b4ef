-- rejects_by_reason_and_file: the quarantine counted by input kind, reason code and source file
-- grain: one row per (source, reason_code, source_file)
-- reads: rejected_records
-- :reason and :source, when not null, keep one reason code / one input kind.
-- field is the field at fault most often for that reason and file.
select
    source,
    reason_code,
    source_file,
    count(*) as rejects,
    min(record_number) as first_record,
    max(field) as field
from rejected_records
where (cast(:reason as text) is null or reason_code = :reason)
  and (cast(:source as text) is null or source = :source)
group by source, reason_code, source_file
order by source, reason_code, source_file
