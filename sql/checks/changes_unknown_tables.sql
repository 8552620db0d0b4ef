-- changes_unknown_tables: change events of tables the warehouse does not model (kept in Bronze, not merged)
-- severity: warn
-- grain of failing rows: one row per unknown table, with how many events it sent and the first file
-- reads: raw_changes (loaded rows with known_table = 0)
-- scope: the Bronze rows of this run (raw_id in (:from_raw_id, :to_raw_id]); `warehouse
--        check` passes the whole range, so on demand it lists every unknown table.
-- A warning, not a rejection: the connector may capture more tables than the model reads
-- (the contract keeps their events whole in raw_text); a new table worth modelling shows here.
select
    table_name,
    count(*) as events,
    min(source_file) as first_file
from raw_changes
where raw_id > :from_raw_id
  and raw_id <= :to_raw_id
  and load_status = 'loaded'
  and known_table = 0
group by table_name
order by table_name
