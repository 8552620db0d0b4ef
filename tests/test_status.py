"""`warehouse status`: tables and views, the latest runs, rejects and files, as text and JSON."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from conftest import load, rows
from ecommerce_warehouse.cli import warehouse


@pytest.fixture
def built(db_path: Path, two_days: list[Path], cli, tmp_path: Path) -> Path:
    """A warehouse with a successful pipeline run, a failed ingest and a no-op transform."""
    load(db_path, *two_days)
    broken = tmp_path / "transactions_broken.json"
    broken.write_text('[{"transaction_id": "T1"', encoding="utf-8")
    assert cli.invoke(warehouse, ["ingest", "--db", str(db_path), str(broken)]).exit_code == 1
    assert cli.invoke(warehouse, ["transform", "--db", str(db_path)]).exit_code == 0
    return db_path


def status_json(cli, db: Path) -> dict:
    result = cli.invoke(warehouse, ["status", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def table_and_view_counts(db: Path) -> dict[str, int]:
    names = [name for (name,) in rows(db, "select name from sqlite_master where type in "
                                          "('table', 'view') and name not like 'sqlite%'")]
    return {name: rows(db, f'select count(*) from "{name}"')[0][0] for name in names}


def test_json_counts_every_table_and_view(cli, built):
    status = status_json(cli, built)
    assert status["db"] == str(built)
    assert {o["name"]: o["rows"] for o in status["objects"]} == table_and_view_counts(built)
    kinds = {o["name"]: o["object_type"] for o in status["objects"]}
    assert kinds["fact_orders"] == "table"
    assert kinds["gold_daily_sales"] == "view"


def test_json_runs_newest_first_with_their_steps(cli, built):
    status = status_json(cli, built)
    expected = rows(built, "select run_id, command, status, started_at, finished_at, error "
                           "from etl_runs order by run_id desc")
    assert [(r["run_id"], r["command"], r["status"], r["started_at"], r["finished_at"], r["error"])
            for r in status["runs"]] == expected
    assert [r["command"] for r in status["runs"]] == ["transform", "ingest", "run_pipeline"]
    failed = status["runs"][1]
    assert failed["status"] == "failed" and "refused" in failed["error"]
    for run in status["runs"]:
        assert run["seconds"] is not None and run["seconds"] >= 0
        step_rows = rows(built, "select step, target, row_count from etl_run_steps where run_id = ?",
                         (run["run_id"],))
        assert sum(s["row_count"] for s in run["steps"]) == sum(r[2] for r in step_rows)
        assert sum(s["steps"] for s in run["steps"]) == len(step_rows)
    pipeline = {(s["step"], s["target"]): s for s in status["runs"][2]["steps"]}
    assert pipeline["ingest", None]["steps"] == 2  # one per file, summed
    (loaded,) = rows(built, "select count(*) from raw_transactions where load_status = 'loaded'")[0]
    assert pipeline["ingest", None]["row_count"] == loaded
    (facts,) = rows(built, "select count(*) from fact_orders")[0]
    assert pipeline["transform", "fact_orders"]["row_count"] == facts


def test_json_rejects_by_reason(cli, built):
    status = status_json(cli, built)
    counts = Counter(reason for (reason,) in rows(built, "select reason_code from rejected_transactions"))
    assert counts, "the fixture has dirty records"
    assert {r["reason_code"]: r["rejects"] for r in status["rejects"]} == dict(counts)
    first_message = dict(rows(built, "select reason_code, message from rejected_transactions "
                                     "order by raw_id desc"))  # the lowest raw_id wins
    for reject in status["rejects"]:
        assert reject["example_message"] == first_message[reject["reason_code"]]
    assert [r["rejects"] for r in status["rejects"]] == sorted(counts.values(), reverse=True)


def test_json_files_summary(cli, built):
    status = status_json(cli, built)
    expected = defaultdict(lambda: [0, 0, 0, 0, 0])
    for state, read, loaded, duplicates, rejected in rows(
            built, "select status, records_read, records_loaded, duplicates_skipped, "
                   "records_rejected from etl_files"):
        for index, value in enumerate((1, read, loaded, duplicates, rejected)):
            expected[state][index] += value
    assert {f["status"]: [f["files"], f["records_read"], f["records_loaded"],
                          f["duplicates_skipped"], f["records_rejected"]]
            for f in status["files"]} == dict(expected)
    assert set(expected) == {"loaded", "refused"}


def test_text_output(cli, built):
    result = cli.invoke(warehouse, ["status", "--db", str(built)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"Warehouse {built}\n")
    for heading in ("Tables and views", "Last runs (3, newest first)", "Steps of each run",
                    "Rejected records by reason", "Files"):
        assert heading in text
    lines = text.splitlines()
    for name, count in table_and_view_counts(built).items():
        assert any(line.split()[:1] == [name] and line.split()[-1] == str(count) for line in lines), name
    run_lines = [line.split() for line in lines if line.split()[:2] in (["3", "transform"],
                                                                        ["2", "ingest"],
                                                                        ["1", "run_pipeline"])]
    assert [line[2] for line in run_lines] == ["succeeded", "failed", "succeeded"]
    assert any("refused" in line for line in lines if line.split()[:2] == ["2", "ingest"])
    (loaded,) = rows(built, "select count(*) from raw_transactions where load_status = 'loaded'")[0]
    assert any(line.startswith(f"  run 1: ingest (2 files) {loaded:,} · transform dim_users")
               for line in lines)
    for reason, count in rows(built, "select reason_code, count(*) from rejected_transactions "
                                     "group by reason_code"):
        assert any(line.split()[:3] == ["transactions", reason, str(count)] for line in lines), reason
    (read,) = rows(built, "select sum(records_read) from etl_files where status = 'loaded'")[0]
    assert any(line.split()[:3] == ["loaded", "2", str(read)] for line in lines)


def test_only_the_last_ten_runs(cli, built):
    for _ in range(9):
        assert cli.invoke(warehouse, ["transform", "--db", str(built)]).exit_code == 0
    status = status_json(cli, built)
    (last,) = rows(built, "select max(run_id) from etl_runs")[0]
    assert last == 12
    assert [r["run_id"] for r in status["runs"]] == list(range(12, 2, -1))


def test_status_never_writes(cli, built):
    before = hashlib.sha256(built.read_bytes()).hexdigest()
    status_json(cli, built)
    assert cli.invoke(warehouse, ["status", "--db", str(built)]).exit_code == 0
    assert hashlib.sha256(built.read_bytes()).hexdigest() == before


def test_empty_warehouse(cli, db_path):
    # an empty warehouse, as the loading commands create one (transform creates none since
    # issue 12: a mistyped --db must not report on a warehouse of its own making)
    from ecommerce_warehouse.pipeline import opened
    with opened(str(db_path), create=True):
        pass
    assert cli.invoke(warehouse, ["transform", "--db", str(db_path)]).exit_code == 0
    status = status_json(cli, db_path)
    assert status["rejects"] == [] and status["files"] == []
    assert len(status["runs"]) == 1
    result = cli.invoke(warehouse, ["status", "--db", str(db_path)])
    assert result.exit_code == 0
    assert "Rejected records by reason\n  none" in result.stdout


def test_missing_warehouse_is_a_one_line_error(cli, tmp_path):
    missing = tmp_path / "missing.db"
    result = cli.invoke(warehouse, ["status", "--db", str(missing)])
    assert result.exit_code == 5          # README: 5, the warehouse cannot be used
    assert result.stderr.strip() == (f"Error: no warehouse at {missing}: the file does not exist "
                                     "(build one with `warehouse run`)")
    assert not missing.exists()


def test_a_sqlite_file_that_is_no_warehouse(cli, tmp_path):
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("create table notes (x)")
    connection.commit()
    connection.close()
    result = cli.invoke(warehouse, ["status", "--db", str(other)])
    assert result.exit_code == 5
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n" not in message
    assert "is not a warehouse" in message and "etl_runs" in message


def test_help(cli):
    result = cli.invoke(warehouse, ["status", "--help"])
    assert result.exit_code == 0
    for text in ("row counts", "runs", "reason code", "--json", "--db"):
        assert text in result.stdout
