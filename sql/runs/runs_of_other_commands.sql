-- runs_of_other_commands: how many runs were made by commands other than :command
-- grain: one value; reads: etl_runs
-- The walkthrough recreates its warehouse only when every run in it is its own.
select count(*) as runs
from etl_runs
where command <> :command
