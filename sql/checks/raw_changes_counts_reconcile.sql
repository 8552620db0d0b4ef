-- raw_changes_counts_reconcile: per loaded change-event file, records read = loaded + duplicates +
-- rejected, and each count matches the file's rows in Bronze; and every Bronze batch_id
-- names a registered change-event file
-- severity: error
-- grain of failing rows: one row per file whose counts do not add up, or per unregistered batch_id
-- reads: etl_files, raw_changes
-- scope: the Bronze rows of this run (raw_id in (:from_raw_id, :to_raw_id]); `warehouse check`
--        passes the whole range. A file's rows are one contiguous raw_id range committed
--        together, so a run's range holds every row of each file it touches.
-- in a transform: runs on a second connection while the transform files run (it reads
--        only Bronze and the registry; see etl_files_counts_reconcile.sql)
with bronze_count as (
    select
        batch_id,
        count(*) as records,
        sum(case when load_status = 'loaded' then 1 else 0 end) as loaded,
        sum(case when load_status = 'duplicate' then 1 else 0 end) as duplicates,
        sum(case when load_status = 'rejected' then 1 else 0 end) as rejected
    from raw_changes
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
    group by batch_id
)

select
    bronze_count.batch_id as file_id,
    registry.path,
    registry.records_read,
    registry.records_loaded,
    registry.duplicates_skipped,
    registry.records_rejected
from bronze_count
left join etl_files as registry
    on registry.file_id = bronze_count.batch_id
where registry.file_id is null           -- Bronze rows of a file nobody registered
   or registry.source <> 'changes'         -- ... or registered as another input kind
   or (registry.status = 'loaded'
       and (
           registry.records_read
               <> registry.records_loaded + registry.duplicates_skipped + registry.records_rejected
           or registry.records_read <> bronze_count.records
           or registry.records_loaded <> bronze_count.loaded
           or registry.duplicates_skipped <> bronze_count.duplicates
           or registry.records_rejected <> bronze_count.rejected
       ))
