-- etl_files_counts_reconcile: per loaded file, records read = loaded + duplicates + rejected,
-- and each count matches the file's rows in Bronze; and every Bronze batch_id names a
-- registered file (declared as a foreign key on SQLite; on PostgreSQL this is the guard)
-- severity: error
-- grain of failing rows: one row per file whose counts do not add up, or per unregistered batch_id
-- reads: etl_files, raw_transactions
-- scope: the Bronze rows of this run (raw_id in (:from_raw_id, :to_raw_id]); `warehouse check`
--        passes the whole range, so on demand it covers everything.
-- in a transform: runs on a second connection while the transform files run (it reads
--        only Bronze and the registry, which they never write; checks.BRONZE_ONLY)
with staged_file as (
    select distinct batch_id
    from raw_transactions
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
),

bronze_count as (
    select
        batch_id,
        count(*) as records,
        sum(case when load_status = 'loaded' then 1 else 0 end) as loaded,
        sum(case when load_status = 'duplicate' then 1 else 0 end) as duplicates,
        sum(case when load_status = 'rejected' then 1 else 0 end) as rejected
    from raw_transactions
    where batch_id in (select batch_id from staged_file)
    group by batch_id
)

select
    staged_file.batch_id as file_id,
    registry.path,
    registry.records_read,
    registry.records_loaded,
    registry.duplicates_skipped,
    registry.records_rejected
from staged_file
left join etl_files as registry
    on registry.file_id = staged_file.batch_id
left join bronze_count
    on bronze_count.batch_id = staged_file.batch_id
where registry.file_id is null           -- Bronze rows of a file nobody registered
   or (registry.status = 'loaded'
       and (
           registry.records_read
               <> registry.records_loaded + registry.duplicates_skipped + registry.records_rejected
           or registry.records_read <> coalesce(bronze_count.records, 0)
           or registry.records_loaded <> coalesce(bronze_count.loaded, 0)
           or registry.duplicates_skipped <> coalesce(bronze_count.duplicates, 0)
           or registry.records_rejected <> coalesce(bronze_count.rejected, 0)
       ))
