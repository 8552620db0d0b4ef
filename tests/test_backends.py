"""The command line, quality gates and faults, on every backend through one fixture.

Each test runs on SQLite, PostgreSQL and DuckDB (tests/backends.py; PostgreSQL is
skipped without WAREHOUSE_TEST_POSTGRES_URL, DuckDB without its extra). ``warehouse.db`` is what --db takes: a
file path, or a server URL naming a schema of the test's own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from backends import backend, warehouse  # noqa: F401  (fixtures)
from conftest import CHECK_FILES, batch, line
from ecommerce_warehouse.cli import run_pipeline_cli
from ecommerce_warehouse.cli import warehouse as warehouse_cli
from ecommerce_warehouse.db import open_engine, write_transaction
from ecommerce_warehouse.model import checks
from ecommerce_warehouse.model.checks import CheckJob, ChecksAlongside, run_checks
from ecommerce_warehouse.sources.transactions import SOURCE as TRANSACTIONS
from faults_helpers import assert_one_line_error, child_command, console_script, finish, run, start, wait_for

RUN_PIPELINE = console_script("run_pipeline")


def invoke(command, *args: str):
    return CliRunner().invoke(command, [str(a) for a in args])


# --- the command line ------------------------------------------------------------------------

def test_run_status_query_and_rejects_from_the_command_line(warehouse, tmp_path):  # noqa: F811
    path = batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01"), line("T2", "2025-03-01", 2),
                                       line("T3", "2025-03-01", quantity=0)])

    ran = invoke(run_pipeline_cli, "--db", warehouse.db, "--input", path, "--json")
    assert ran.exit_code == 0, ran.output
    report = json.loads(ran.stdout)
    assert report["totals"] == {"records_read": 3, "records_loaded": 2, "duplicates_skipped": 0,
                                "records_rejected": 1}
    assert report["tables"]["fact_orders"] == 2

    status = invoke(warehouse_cli, "status", "--db", warehouse.db, "--json")
    assert status.exit_code == 0, status.output
    found = json.loads(status.stdout)
    counts = {o["name"]: o["rows"] for o in found["objects"]}
    assert counts["fact_orders"] == 2 and counts["gold_daily_sales"] == 1
    assert [r["status"] for r in found["runs"]] == ["succeeded"]
    assert found["runs"][0]["started_at"].endswith("Z") and found["runs"][0]["seconds"] >= 0

    query = invoke(warehouse_cli, "query", "--db", warehouse.db, "--format", "csv",
                   "select sales_date, net_revenue_cents, avg_order_value_cents from gold_daily_sales")
    assert query.exit_code == 0, query.output
    assert query.stdout.splitlines() == ["sales_date,net_revenue_cents,avg_order_value_cents",
                                         "2025-03-01,3000,1500"]

    rejects = invoke(warehouse_cli, "rejects", "--db", warehouse.db, "--json")
    assert rejects.exit_code == 0, rejects.output
    assert [(r["reason_code"], r["rejects"]) for r in json.loads(rejects.stdout)["by_reason_and_file"]] == [
        ("out_of_range", 1)]


def test_query_times_read_back_as_stored_text(warehouse, tmp_path):  # noqa: F811
    warehouse.load(batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01")]))
    result = invoke(warehouse_cli, "query", "--db", warehouse.db, "--format", "json",
                    "select order_timestamp, d.full_date from fact_orders"
                    " join dim_date as d using (date_key)")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"order_timestamp": "2025-03-01T12:00:00.000000Z",
                                          "full_date": "2025-03-01"}]


def test_query_refuses_to_write(warehouse, tmp_path):  # noqa: F811
    warehouse.load(batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01")]))
    for sql in ("delete from fact_orders", "drop table dim_date",
                "insert into dim_date (date_key) values (1)"):
        result = invoke(warehouse_cli, "query", "--db", warehouse.db, sql)
        assert result.exit_code == 1, (sql, result.output)
        assert "read-only" in result.stderr, (sql, result.stderr)
    assert warehouse.rows("select count(*) from fact_orders") == [(1,)]
    assert warehouse.rows("select count(*) from dim_date where date_key <> -1") == [(1,)]


# --- quality gates --------------------------------------------------------------------------

def test_failed_error_check_rolls_back_and_keeps_the_last_good_state(warehouse, tmp_path):  # noqa: F811
    first = batch(tmp_path, "transactions_day1.jsonl", [line("T1", "2025-03-01"), line("T2", "2025-03-01", 2)])
    second = batch(tmp_path, "transactions_day2.jsonl", [line("T3", "2025-03-02", 3)])
    warehouse.load(first)
    # a calendar row whose key no longer spells its date (dim_date is checked in full each run)
    warehouse.execute("update dim_date set year = 1999 where date_key = 20250301")
    star_before = warehouse.rows("select * from fact_orders order by order_key")
    dims_before = warehouse.rows("select * from dim_users order by user_key")

    result = invoke(run_pipeline_cli, "--db", warehouse.db, "--input", second)

    assert result.exit_code == 3, result.output
    assert "dim_date_keys" in result.output and "20250301" in result.output
    assert "rolled back" in result.output and "Traceback" not in result.output
    assert warehouse.rows("select * from fact_orders order by order_key") == star_before
    assert warehouse.rows("select * from dim_users order by user_key") == dims_before
    assert warehouse.rows("""select status, failing_rows from dq_check_results
                             where check_name = 'dim_date_keys'
                             order by result_id desc limit 1""") == [("fail", 1)]
    warehouse.execute("update dim_date set year = 2025 where date_key = 20250301")
    repaired = invoke(warehouse_cli, "transform", "--db", warehouse.db)
    assert repaired.exit_code == 0, repaired.output
    assert warehouse.rows("select transaction_id from fact_orders order by transaction_id") == [
        ("T1",), ("T2",), ("T3",)]


def test_bronze_checks_in_a_child_process_find_what_the_transform_connection_finds(
        warehouse, tmp_path):  # noqa: F811
    """A big run's Bronze-only checks run in a child process beside the transform
    (ChecksAlongside); they must find exactly what the transform's own connection finds,
    on every engine whose readers never wait for the writer (DuckDB runs them itself)."""
    records = [line(f"T{n}", "2025-03-01") for n in range(1, 6)]
    warehouse.load(batch(tmp_path, "transactions_a.jsonl", records + [records[0]]))   # T1 twice
    # a buggy tool marks the skipped copy loaded and miscounts the file
    warehouse.execute("update raw_transactions set load_status = 'loaded' where load_status = 'duplicate'")
    warehouse.execute("update etl_files set records_read = records_read + 1")
    engine = open_engine(warehouse.db)
    scope = {**checks.check_parameters(), "from_raw_id": 0, "to_raw_id": 2**62, "from_order_key": 0}
    names = TRANSACTIONS.checks_beside
    with write_transaction(engine) as connection:
        alongside = ChecksAlongside(connection, [CheckJob(name, scope) for name in names], lines=2**62)
        with alongside:
            found = alongside.results()
        plain = {f"checks/{result.name}": result.as_dict()
                 for result in run_checks(connection, [CheckJob(name, scope) for name in names])}
    engine.dispose()
    if warehouse.backend == "duckdb":
        assert not alongside.parallel and found == {}
        return
    assert {name: result.as_dict() for name, result in found.items()} == plain
    assert {result.status for result in found.values()} == {"fail"}
    assert found["checks/raw_transactions_one_loaded_copy"].sample == [
        {"transaction_id": "T1", "loaded_copies": 2}]


def test_check_command_records_history_and_exits_3_on_failure(warehouse, tmp_path):  # noqa: F811
    warehouse.load(batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01")]))
    ok = invoke(warehouse_cli, "check", "--db", warehouse.db, "--json")
    assert ok.exit_code == 0, ok.output
    assert len(json.loads(ok.stdout)) == len(CHECK_FILES)
    warehouse.execute("update dim_date set day_of_month = 2")
    bad = invoke(warehouse_cli, "check", "--db", warehouse.db)
    assert bad.exit_code == 3, bad.output
    assert "FAIL  dim_date_keys (error): 1 failing row(s)" in bad.output
    assert warehouse.rows("select count(distinct run_id) from dq_check_results") == [(3,)]


def test_warning_samples_are_recorded_as_the_same_text(warehouse, tmp_path):  # noqa: F811
    records = [line(f"D{day}-{n}", f"2025-03-{day:02d}") for day in range(1, 9) for n in range(10)]
    records += [line(f"D9-{n}", "2025-03-09") for n in range(40)]     # 40 lines vs a median of 10
    result = warehouse.load(batch(tmp_path, "transactions_a.jsonl", records))
    assert result.error is None
    assert warehouse.rows("""select status, failing_rows, sample from dq_check_results
                             where check_name in ('daily_volume_anomaly', 'fact_orders_freshness')
                             order by check_name""") == [
        ("warn", 1, '[{"full_date": "2025-03-09", "lines": 40, "median_of_previous_7": 10}]'),
        ("warn", 1, '[{"newest_order": "2025-03-09T12:00:00.000000Z"}]'),
    ]
    history = warehouse.rows("select check_name from dq_check_results order by result_id")
    assert [name for (name,) in history] == [name.split("/")[-1] for name in CHECK_FILES]


# --- faults: two runs at once, a run killed mid-way -------------------------------------------

def pause_child(db: str, inputs: list[Path], marker: Path, seconds: float):
    """run_pipeline that pauses after its first step (holding the run lock), then goes on."""
    plan = {"hook": "step", "n": 1, "when": "after", "action": "pause", "seconds": seconds,
            "marker": str(marker)}
    args = ["--db", db] + [arg for path in inputs for arg in ("--input", str(path))]
    process = start(child_command(plan, args))
    wait_for(lambda: marker.exists() or process.poll() is not None, what="the first run to pause")
    assert marker.exists(), finish(process).describe()
    return process


def test_a_second_run_fails_busy_then_runs_once_the_first_is_done(warehouse, tmp_path):  # noqa: F811
    one = batch(tmp_path, "transactions_one.jsonl", [line("A1", "2025-03-01"), line("A2", "2025-03-01")])
    two = batch(tmp_path, "transactions_two.jsonl", [line("B1", "2025-03-02")])
    first = pause_child(warehouse.db, [one], tmp_path / "paused", 3.0)

    busy = run([*RUN_PIPELINE, "--db", warehouse.db, "--input", two, "--wait", "0.5"])
    still_paused = first.poll() is None
    waited = start([*RUN_PIPELINE, "--db", warehouse.db, "--input", two, "--wait", "60"])
    first_outcome, waited_outcome = finish(first), finish(waited)

    shown = warehouse.db.split("?")[0] if warehouse.backend == "postgresql" else warehouse.path
    line_ = assert_one_line_error(busy, 4, "warehouse is busy", shown)
    assert busy.seconds >= 0.5, line_
    assert still_paused, "the first run ended before the second gave up; the test proves nothing"
    assert first_outcome.returncode == 0, first_outcome.describe()
    assert waited_outcome.returncode == 0, waited_outcome.describe()
    runs = warehouse.rows("select command, status, started_at, finished_at from etl_runs order by run_id")
    assert [(c, s) for c, s, _, _ in runs] == [("run_pipeline", "succeeded")] * 2, "the busy run left a trace"
    assert runs[1][2] >= runs[0][3], f"the runs interleaved: {runs}"
    assert warehouse.rows("select transaction_id from fact_orders order by transaction_id") == [
        ("A1",), ("A2",), ("B1",)]


# What a kill -9 inside each transaction must leave untouched: the file's ingest
# (its registry row and Bronze rows), or the transform (star tables and watermark).
UNTOUCHED = {
    "file_counts": ("raw_transactions", "etl_files", "rejected_transactions", "fact_orders"),
    "advance_watermark": ("fact_orders", "dim_date", "dim_users", "dq_check_results",
                          "etl_watermarks"),
}


@pytest.mark.parametrize("hook", UNTOUCHED)
def test_a_run_killed_inside_a_transaction_changes_nothing_and_a_rerun_converges(
        warehouse, tmp_path, hook):  # noqa: F811
    one = batch(tmp_path, "transactions_one.jsonl", [line("A1", "2025-03-01"), line("A2", "2025-03-01", 2)])
    two = batch(tmp_path, "transactions_two.jsonl", [line("B1", "2025-03-02"), line("A1", "2025-03-01", 5)])
    warehouse.load(one)
    before = {table: warehouse.rows(f"select count(*) from {table}") for table in UNTOUCHED[hook]}
    plan = {"hook": hook, "n": 1, "action": "kill", "marker": str(tmp_path / "hit")}

    killed = run(child_command(plan, ["--db", warehouse.db, "--input", str(two)]))

    assert killed.returncode == -9, killed.describe()
    assert (tmp_path / "hit").exists()
    after = {table: warehouse.rows(f"select count(*) from {table}") for table in before}
    assert after == before, "a transaction cut short by kill -9 left rows behind"
    rerun = warehouse.load(two)
    assert rerun.error is None, rerun.error
    assert warehouse.rows("select transaction_id, quantity from fact_orders order by transaction_id") == [
        ("A1", 1), ("A2", 2), ("B1", 1)]
    assert warehouse.rows("select reason_code from rejected_transactions") == [("conflicting_duplicate",)]
