-- drill_reason: the quarantined records behind one bar of the dashboard's rejects chart
-- (grain: one row per rejected record, at most :row_limit; records_behind counts them all)
-- reads: rejected_records
select
    source, source_file, record_number, record_key, field, message, raw_text,
    count(*) over () as records_behind
from rejected_records
where reason_code = :reason_code
order by raw_id
limit :row_limit
