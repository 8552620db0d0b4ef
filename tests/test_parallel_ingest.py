"""The contract's checks in worker processes (load/parallel.py) give the very Bronze, the
very quarantine and the very counts that judging in the loading process gives: the same
verdicts, reason codes and messages, the same raw ids in file order, on every engine."""

from __future__ import annotations

from datetime import date

import pytest

from backends import backend  # noqa: F401  (fixture)
from ecommerce_warehouse.generate import events as events_generator
from ecommerce_warehouse.generate import transactions as generator
from ecommerce_warehouse.load import ingest, parallel
from engine_helpers import corpus_files

BRONZE = {
    "raw_transactions": """
        select raw.raw_id, files.path, raw.record_number, raw.raw_text, raw.record_hash, raw.load_status,
               raw.reject_reason, raw.reject_field, raw.reject_message, raw.transaction_id, raw.event_ts,
               raw.quantity, raw.price_cents, raw.user_email, raw.product_unit_price_cents
        from raw_transactions as raw inner join etl_files as files on files.file_id = raw.batch_id
        order by raw.raw_id""",
    "raw_events": """
        select raw.raw_id, files.path, raw.record_number, raw.raw_text, raw.load_status,
               raw.reject_reason, raw.reject_field, raw.reject_message, raw.event_id, raw.event_epoch_us,
               raw.page_path, raw.referrer_host
        from raw_events as raw inner join etl_files as files on files.file_id = raw.batch_id
        order by raw.raw_id""",
    "rejected_records": "select source, raw_id, reason_code, field, message from rejected_records order by 1, 2",
    "etl_files": """select path, status, records_read, records_loaded, duplicates_skipped, records_rejected,
                           error from etl_files order by file_id""",
}


@pytest.fixture
def dirty_files(tmp_path):
    raw = tmp_path / "raw"
    days = [p for p, _ in generator.generate(date(2025, 3, 1), date(2025, 3, 2), 150, 5, raw, dirty_rate=0.1)]
    clicks = [p for p, _ in events_generator.generate(date(2025, 3, 1), date(2025, 3, 2), 60, 5, raw,
                                                      dirty_rate=0.1)]
    return days, clicks


def load_both_ways(backend, days, clicks, monkeypatch):  # noqa: F811
    """The same files into two warehouses: judged here, then judged by two workers."""
    monkeypatch.setattr(ingest, "INSERT_CHUNK", 37)       # many chunks, reasons flushed mid-file
    found = {}
    for name, workers in (("serial", "0"), ("parallel", "2")):
        monkeypatch.setenv(parallel.WORKERS_ENVVAR, workers)
        monkeypatch.setattr(parallel, "MIN_BYTES", 0)
        warehouse = backend.warehouse(name)
        for files, kind in ((days, "transactions"), (clicks, "events"), (days[:1], "transactions")):
            result = warehouse.load(*files, source=kind)
            assert result.error is None, result.error
        found[name] = {table: warehouse.rows(sql) for table, sql in BRONZE.items()}
    return found


def test_workers_give_the_same_bronze_and_quarantine(backend, dirty_files, monkeypatch):  # noqa: F811
    days, clicks = dirty_files
    found = load_both_ways(backend, days, clicks, monkeypatch)
    serial, parallel_ = found["serial"], found["parallel"]
    assert any(row[5] == "rejected" for row in serial["raw_transactions"]), "no reject: proves little"
    assert serial["rejected_records"], "no quarantine: proves little"
    for table in BRONZE:
        assert parallel_[table] == serial[table], f"{table} differs when workers judge the records"


def test_workers_judge_the_bad_input_corpus_as_the_loading_process_does(backend, monkeypatch):  # noqa: F811
    monkeypatch.setattr(ingest, "INSERT_CHUNK", 3)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    found = {}
    files = [path for path in corpus_files() if backend.name != "postgresql" or "emoji" not in path.name]
    for name, workers in (("serial", "0"), ("parallel", "2")):
        monkeypatch.setenv(parallel.WORKERS_ENVVAR, workers)
        warehouse = backend.warehouse(f"corpus_{name}")
        result = warehouse.load(*files)
        found[name] = ([(f.status, f.records_read, f.records_rejected) for f in result.files],
                       {table: warehouse.rows(sql) for table, sql in BRONZE.items()})
    assert found["parallel"] == found["serial"]


def test_kill_9_during_a_parallel_ingest_leaves_no_worker_and_nothing_loaded(tmp_path):
    """The loading process killed while its workers judge: the workers end with it (their
    pipe closes), and the file's transaction never committed."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time
    from pathlib import Path

    (path, _count), = generator.generate(date(2025, 3, 4), date(2025, 3, 4), 40_000, 3, tmp_path / "raw")
    db = tmp_path / "killed.db"
    env = {**os.environ, parallel.WORKERS_ENVVAR: "2", parallel.MIN_BYTES_ENVVAR: "0"}
    warehouse_script = Path(sys.executable).parent / "warehouse"
    process = subprocess.Popen([str(warehouse_script), "ingest", "--db", str(db), str(path)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> list[int]:
        found = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        return [int(pid) for pid in found.read_text().split()] if found.exists() else []

    deadline = time.monotonic() + 30
    while len(children()) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = children()
    assert len(workers) == 2 and process.poll() is None, "the ingest ended before its workers were seen"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in workers) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in workers), \
        "a worker outlived the loading process"
    connection = sqlite3.connect(db)
    try:
        tables = {name for (name,) in connection.execute("select name from sqlite_master")}
        if "raw_transactions" in tables:
            assert connection.execute("select count(*) from raw_transactions").fetchone() == (0,)
            assert connection.execute("select count(*) from etl_files where status = 'loaded'").fetchone() == (0,)
    finally:
        connection.close()


def _state(pid: int) -> str:
    from pathlib import Path

    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"
