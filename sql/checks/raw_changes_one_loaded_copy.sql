-- raw_changes_one_loaded_copy: at most one loaded change event per identity in Bronze
-- severity: error
-- grain of failing rows: one row per identity (table_name, row_key, source_ts_ms,
--        source_position; shown as the text change_id) loaded more than once
-- reads: raw_changes (its partial index raw_changes_loaded_row, on the identity's columns
--        where load_status = 'loaded')
-- scope: the Bronze rows of this run (raw_id in (:from_raw_id, :to_raw_id]); `warehouse check`
--        passes the whole range, so on demand it covers everything.
-- in a transform: runs on a second connection while the transform files run (it reads
--        only Bronze; see raw_transactions_one_loaded_copy.sql)
-- Two ways, one taken: a run at least as large as the history before it (:to_raw_id -
--        :from_raw_id >= :from_raw_id; raw ids are given in load order), and `warehouse
--        check`, read the index once, in its order, where an identity's copies are
--        neighbours (1,027,504 events: 0.45 s of CPU instead of 1.30 s); a smaller run looks
--        each of its events up in the index, costing what it touches. The condition holds
--        only parameters: each engine decides it once, before reading, so the other branch
--        reads nothing.
with loaded_elsewhere as (
    select staged.table_name, staged.row_key, staged.source_ts_ms, staged.source_position
    from raw_changes as staged
    where :to_raw_id - :from_raw_id < :from_raw_id
      and staged.raw_id > :from_raw_id
      and staged.raw_id <= :to_raw_id
      and staged.load_status = 'loaded'
      and exists (
          select 1
          from raw_changes as other_copy
          where other_copy.table_name = staged.table_name
            and other_copy.row_key = staged.row_key
            and other_copy.source_ts_ms = staged.source_ts_ms
            and other_copy.source_position = staged.source_position
            and other_copy.load_status = 'loaded'
            and other_copy.raw_id <> staged.raw_id
      )
)

select
    loaded.table_name || '/' || loaded.row_key || '/' || cast(loaded.source_ts_ms as text)
        || '/' || cast(loaded.source_position as text) as change_id,
    count(*) as loaded_copies
from raw_changes as loaded
inner join (
    select distinct table_name, row_key, source_ts_ms, source_position
    from loaded_elsewhere
) as repeated
    on repeated.table_name = loaded.table_name
    and repeated.row_key = loaded.row_key
    and repeated.source_ts_ms = loaded.source_ts_ms
    and repeated.source_position = loaded.source_position
where loaded.load_status = 'loaded'
group by loaded.table_name, loaded.row_key, loaded.source_ts_ms, loaded.source_position
having count(*) > 1

union all

select
    table_name || '/' || row_key || '/' || cast(source_ts_ms as text)
        || '/' || cast(source_position as text) as change_id,
    count(*) as loaded_copies
from raw_changes
where :to_raw_id - :from_raw_id >= :from_raw_id
  and load_status = 'loaded'
group by table_name, row_key, source_ts_ms, source_position
having count(*) > 1
   and sum(case when raw_id > :from_raw_id and raw_id <= :to_raw_id then 1 else 0 end) > 0
