-- raw_changes_one_loaded_copy: at most one loaded change event per change_id in Bronze
-- severity: error
-- grain of failing rows: one row per change_id loaded more than once
-- reads: raw_changes (its partial index on change_id where load_status = 'loaded')
-- scope: the Bronze rows of this run (raw_id in (:from_raw_id, :to_raw_id]); `warehouse check`
--        passes the whole range, so on demand it covers everything.
-- in a transform: runs on a second connection while the transform files run (it reads
--        only Bronze; see raw_transactions_one_loaded_copy.sql)
with loaded_elsewhere as (
    select staged.change_id
    from raw_changes as staged
    where staged.raw_id > :from_raw_id
      and staged.raw_id <= :to_raw_id
      and staged.load_status = 'loaded'
      and exists (
          select 1
          from raw_changes as other_copy
          where other_copy.change_id = staged.change_id
            and other_copy.load_status = 'loaded'
            and other_copy.raw_id <> staged.raw_id
      )
)

select change_id, count(*) as loaded_copies
from raw_changes
where load_status = 'loaded'
  and change_id in (select change_id from loaded_elsewhere)
group by change_id
having count(*) > 1
