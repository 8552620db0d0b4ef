"""Checks as SQL with history, and write-audit-publish: a failed error check rolls the
transform back, records the failure, and exits 3; warnings are recorded, never fatal."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import CHECK_FILES, batch, line, load, rows
from ecommerce_warehouse.cli import run_pipeline_cli, warehouse
from ecommerce_warehouse.errors import QualityGateError


def corrupt(db: Path, sql: str) -> None:
    """Damage the warehouse behind the pipeline's back, as a buggy tool might."""
    connection = sqlite3.connect(db)
    connection.execute(sql)
    connection.commit()
    connection.close()


def test_every_check_outcome_of_every_run_is_kept(tmp_path, two_days):
    db = tmp_path / "w.db"
    load(db, two_days[0])
    load(db, two_days[1])
    history = rows(db, "select run_id, check_name, severity, status from dq_check_results order by result_id")
    names = [name.split("/")[-1] for name in CHECK_FILES]
    runs = sorted({run_id for run_id, *_ in history})
    assert len(runs) == 2
    for run_id in runs:
        assert [name for r, name, _, _ in history if r == run_id] == names
    assert {status for *_, status in history} <= {"pass", "warn"}
    assert {(name, severity) for _, name, severity, _ in history} >= {
        ("fact_orders_total_amount", "error"), ("daily_volume_anomaly", "warn"),
        ("fact_orders_freshness", "warn"), ("silver_fact_reconcile", "error")}


def test_failed_error_check_rolls_back_and_keeps_the_last_good_state(tmp_path, cli):
    db = tmp_path / "w.db"
    first = batch(tmp_path, "transactions_day1.jsonl", [line("T1", "2025-03-01"), line("T2", "2025-03-01", 2)])
    second = batch(tmp_path, "transactions_day2.jsonl", [line("T3", "2025-03-02", 3)])
    load(db, first)
    # a calendar row whose key no longer spells its date (dim_date is checked in full each run)
    corrupt(db, "update dim_date set year = 1999 where date_key = 20250301")
    star_before = rows(db, "select * from fact_orders order by order_key")
    dims_before = rows(db, "select * from dim_users order by user_key")

    result = cli.invoke(run_pipeline_cli, ["--db", str(db), "--input", str(second)])

    assert result.exit_code == 3, result.output
    assert "dim_date_keys" in result.output and "20250301" in result.output
    assert "rolled back" in result.output and "Traceback" not in result.output
    assert rows(db, "select * from fact_orders order by order_key") == star_before
    assert rows(db, "select * from dim_users order by user_key") == dims_before
    status, error = rows(db, "select status, error from etl_runs order by run_id desc limit 1")[0]
    assert status == "failed" and "dim_date_keys" in error and "20250301" in error
    assert rows(db, """select status, failing_rows from dq_check_results
                       where check_name = 'dim_date_keys'
                       order by result_id desc limit 1""") == [("fail", 1)]
    # the staged batch is still in Bronze and publishes once the damage is repaired
    corrupt(db, "update dim_date set year = 2025 where date_key = 20250301")
    repaired = cli.invoke(warehouse, ["transform", "--db", str(db)])
    assert repaired.exit_code == 0, repaired.output
    assert rows(db, "select transaction_id from fact_orders order by transaction_id") == [
        ("T1",), ("T2",), ("T3",)]


def test_gate_error_carries_at_most_five_failing_rows(tmp_path):
    db = tmp_path / "w.db"
    load(db, batch(tmp_path, "transactions_a.jsonl", [line(f"T{day}", f"2025-03-{day:02d}") for day in range(1, 9)]))
    corrupt(db, "update dim_date set year = 1999")
    with pytest.raises(QualityGateError) as caught:
        load(db, batch(tmp_path, "transactions_b.jsonl", [line("T9", "2025-03-09")]))
    message = str(caught.value)
    assert "found 8 failing row(s)" in message
    assert message.count('"date_key"') == 5


def test_warnings_are_recorded_and_shown_never_fatal(tmp_path, cli):
    db = tmp_path / "w.db"
    records = [line(f"D{day}-{n}", f"2025-03-{day:02d}") for day in range(1, 9) for n in range(10)]
    records += [line(f"D9-{n}", "2025-03-09") for n in range(40)]     # 40 lines vs a median of 10
    result = cli.invoke(run_pipeline_cli, ["--db", str(db), "--input", str(batch(tmp_path, "transactions_a.jsonl", records))])
    assert result.exit_code == 0, result.output
    assert "WARN  daily_volume_anomaly" in result.output
    assert rows(db, """select status, failing_rows, sample from dq_check_results
                       where check_name = 'daily_volume_anomaly'""") == [
        ("warn", 1, '[{"full_date": "2025-03-09", "lines": 40, "median_of_previous_7": 10}]')]
    assert rows(db, "select count(*) from fact_orders") == [(120,)]


def test_volume_check_judges_the_days_a_run_adds_and_check_judges_every_day(tmp_path, cli):
    """In a transform the volume warning is about the days the run loaded (a small batch
    into a big warehouse counts a week of lines, not the whole fact); `warehouse check`
    judges every day."""
    db = tmp_path / "w.db"
    records = [line(f"D{day}-{n}", f"2025-03-{day:02d}") for day in range(1, 9) for n in range(10)]
    records += [line(f"D9-{n}", "2025-03-09") for n in range(40)]     # 40 lines vs a median of 10
    load(db, batch(tmp_path, "transactions_a.jsonl", records))
    # a normal day later: its run judges 2025-03-10 only (median of 03-03 … 03-09 is 10)
    load(db, batch(tmp_path, "transactions_b.jsonl", [line(f"D10-{n}", "2025-03-10") for n in range(10)]))
    # a late line for 2025-03-09 (now 41 lines) makes that day the run's again
    load(db, batch(tmp_path, "transactions_c.jsonl", [line("D9-late", "2025-03-09")]))
    assert rows(db, """select run_id, status, sample from dq_check_results
                       where check_name = 'daily_volume_anomaly' order by run_id""") == [
        (1, "warn", '[{"full_date": "2025-03-09", "lines": 40, "median_of_previous_7": 10}]'),
        (2, "pass", None),
        (3, "warn", '[{"full_date": "2025-03-09", "lines": 41, "median_of_previous_7": 10}]')]
    full = cli.invoke(warehouse, ["check", "--db", str(db), "--json"])
    (volume,) = [r for r in json.loads(full.stdout) if r["check"] == "daily_volume_anomaly"]
    assert volume["sample"] == [{"full_date": "2025-03-09", "lines": 41, "median_of_previous_7": 10}]


def test_new_records_get_ids_above_the_watermark_even_after_bronze_rows_are_deleted(tmp_path):
    """raw_id is given by the ingest after the highest in Bronze; if someone deletes the
    newest rows, new records must still land above the transform's watermark."""
    db = tmp_path / "w.db"
    load(db, batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01"), line("T2", "2025-03-01")]))
    corrupt(db, "delete from raw_transactions where transaction_id = 'T2'")
    load(db, batch(tmp_path, "transactions_b.jsonl", [line("T3", "2025-03-02")]))
    assert rows(db, "select raw_id from raw_transactions where transaction_id = 'T3'") == [(3,)]
    assert rows(db, "select transaction_id from fact_orders order by order_key") == [
        ("T1",), ("T2",), ("T3",)]


def test_a_day_with_no_lines_is_judged_in_every_run_and_by_check(tmp_path, cli):
    """A day whose file never came sits in the calendar with no line: the volume warning
    names it in every run until it has lines, and `warehouse check` names it too."""
    db = tmp_path / "w.db"
    days = [*range(1, 11), 12, 13, 14]                                # 2025-03-11 never came
    load(db, batch(tmp_path, "transactions_a.jsonl",
                   [line(f"D{day}-{n}", f"2025-03-{day:02d}") for day in days for n in range(10)]))
    load(db, batch(tmp_path, "transactions_b.jsonl", [line(f"D15-{n}", "2025-03-15") for n in range(10)]))
    missing = {"full_date": "2025-03-11", "lines": 0, "median_of_previous_7": 10}
    assert rows(db, """select run_id, status, sample from dq_check_results
                       where check_name = 'daily_volume_anomaly' order by run_id""") == [
        (1, "warn", json.dumps([missing])), (2, "warn", json.dumps([missing]))]
    full = cli.invoke(warehouse, ["check", "--db", str(db), "--json"])
    (volume,) = [r for r in json.loads(full.stdout) if r["check"] == "daily_volume_anomaly"]
    assert volume["sample"] == [missing]


def test_transform_checks_only_what_the_run_added_and_check_covers_everything(tmp_path, cli):
    """Row-level checks in a transform look at the run's own rows (each published row was
    checked when it was published); `warehouse check` looks at every row."""
    db = tmp_path / "w.db"
    load(db, batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01"), line("T2", "2025-03-01", 2)]))
    corrupt(db, "update fact_orders set total_amount_cents = 1 where transaction_id = 'T2'")
    load(db, batch(tmp_path, "transactions_b.jsonl", [line("T3", "2025-03-01")]))      # publishes: T3 is fine
    assert rows(db, "select count(*) from fact_orders") == [(3,)]
    full = cli.invoke(warehouse, ["check", "--db", str(db)])
    assert full.exit_code == 3
    assert "FAIL  fact_orders_total_amount (error): 1 failing row(s)" in full.output
    assert '"T2"' in full.output


def test_check_command_records_history_and_exits_3_on_failure(tmp_path, cli):
    db = tmp_path / "w.db"
    load(db, batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01")]))
    ok = cli.invoke(warehouse, ["check", "--db", str(db), "--json"])
    assert ok.exit_code == 0, ok.output
    outcome = {r["check"]: r["status"] for r in json.loads(ok.output)}
    assert outcome["fact_orders_foreign_keys"] == "pass" and len(outcome) == len(CHECK_FILES)
    # a plain sqlite3 connection does not enforce foreign keys: a dangling key slips in
    corrupt(db, "delete from dim_date")
    bad = cli.invoke(warehouse, ["check", "--db", str(db)])
    assert bad.exit_code == 3
    assert "FAIL  fact_orders_foreign_keys (error): 1 failing row(s)" in bad.output
    assert rows(db, "select count(distinct run_id) from dq_check_results") == [(3,)]


def test_rejects_command_summarises_by_reason_and_file(tmp_path, cli):
    db = tmp_path / "w.db"
    bad_quantity = line("T2", "2025-03-01", quantity=0)
    path = batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01"), bad_quantity, {"transaction_id": "T3"}])
    load(db, path)
    result = cli.invoke(warehouse, ["rejects", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {(r["reason_code"], r["rejects"]) for r in report["by_reason_and_file"]} == {
        ("out_of_range", 1), ("missing_field", 1)}
    examples = {e["reason_code"]: e for e in report["examples"]}
    assert examples["out_of_range"]["raw_text"] == json.dumps(bad_quantity)
    assert examples["out_of_range"]["field"] == "quantity"
    text = cli.invoke(warehouse, ["rejects", "--db", str(db), "--reason", "out_of_range"])
    assert "out_of_range" in text.output and "missing_field" not in text.output


def test_bronze_rows_of_an_unregistered_file_fail_the_reconcile_check(tmp_path, cli):
    """Bronze's batch_id is a declared foreign key on SQLite but not on PostgreSQL (COPY
    speed); the reconcile check is the guard on both."""
    db = tmp_path / "w.db"
    load(db, batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01")]))
    # a plain sqlite3 connection does not enforce foreign keys: a row of batch 99 slips in
    corrupt(db, "insert into raw_transactions (batch_id, source_file, record_number, raw_text,"
                " load_status, loaded_at) values (99, 'ghost.jsonl', 1, '{}', 'rejected', 'x')")
    bad = cli.invoke(warehouse, ["check", "--db", str(db), "--json"])
    assert bad.exit_code == 3
    (reconcile,) = [r for r in json.loads(bad.stdout) if r["check"] == "etl_files_counts_reconcile"]
    assert reconcile["status"] == "fail"
    assert [row["file_id"] for row in reconcile["sample"]] == [99]


ENFORCED = {"checks/fact_orders_keys", "checks/fact_orders_foreign_keys",
            "checks/fact_orders_status_values", "checks/fact_orders_money_non_negative"}


def test_only_checks_backed_by_a_declared_constraint_are_trusted_in_a_transform():
    from ecommerce_warehouse.model.checks import enforced_by
    assert {name for name in CHECK_FILES if enforced_by(name, "sqlite")} == ENFORCED


@pytest.mark.parametrize(("column", "value"), [
    ("user_key", 999_999), ("product_key", 999_999), ("date_key", 19_000_101),
    ("status", "shipped"), ("status", None), ("unit_price_cents", -1),
    ("total_amount_cents", -1), ("quantity", 0), ("transaction_id", "T1"), ("transaction_id", None),
])
def test_the_trusted_constraints_refuse_a_bad_fact_row(tmp_path, column, value):
    """What the transform takes on trust, the engine really refuses (so the skipped checks
    could not have found anything in the rows a transform writes)."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from ecommerce_warehouse.db import open_engine
    db = tmp_path / "w.db"
    load(db, batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01")]))
    engine = open_engine(str(db))
    try:
        with engine.begin() as connection:
            good = dict(connection.execute(text("select * from fact_orders")).mappings().one())
            del good["order_key"]
            bad = {**good, "transaction_id": "T2", column: value}
            columns = ", ".join(bad)
            values = ", ".join(f":{name}" for name in bad)
            with pytest.raises(IntegrityError):
                connection.execute(text(f"insert into fact_orders ({columns}) values ({values})"), bad)
    finally:
        engine.dispose()
