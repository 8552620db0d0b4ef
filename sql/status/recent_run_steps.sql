-- recent_run_steps: what each of the latest runs did, step by step
-- grain: one row per run, step and target; ingest records one step per file, and those
--        are summed into one row per run (target null, steps = files ingested)
-- reads: etl_run_steps, etl_runs
-- :run_limit is how many of the latest runs to cover (as in recent_runs.sql).
-- row_count means what the step counted: lines generated, records loaded, rows changed.
with recent_run as (
    select run_id
    from etl_runs
    order by run_id desc
    limit :run_limit
),

step_target as (
    select
        step.run_id,
        step.step_number,
        step.step,
        case when step.step = 'ingest' then null else step.target end as target,
        step.row_count,
        step.duration_ms
    from etl_run_steps as step
    inner join recent_run
        on recent_run.run_id = step.run_id
)

select
    run_id,
    step,
    target,
    count(*) as steps,
    sum(row_count) as row_count,
    sum(duration_ms) as duration_ms
from step_target
group by run_id, step, target
order by run_id desc, min(step_number)
