"""The transform's faster paths give the same answers as the plain ones.

- The Bronze-only checks run in a child process while the transform runs
  (``checks.ChecksAlongside``): they must find exactly what the same checks find on the
  transform's own connection, and a failure they find must still stop the transform.
- The fact's status CHECK is spelt with ``=``/``or`` (not ``in (...)``): it must still
  refuse any other status.
- A small transform runs with a bigger SQLite page cache (``SQLite.transform_tuning``): the
  connection goes back to the pool with its own cache size.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import CHECK_FILES, batch, line, load, rows
from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.cli import warehouse
from ecommerce_warehouse.db import open_engine, write_transaction
from ecommerce_warehouse.engines.sqlite import INCREMENT_CACHE_KIB
from ecommerce_warehouse.model import checks
from ecommerce_warehouse.model import transform as transform_module
from ecommerce_warehouse.model.checks import CheckJob, ChecksAlongside, run_checks
from ecommerce_warehouse.sources.transactions import SOURCE as TRANSACTIONS

BRONZE_ONLY = TRANSACTIONS.checks_beside
from ecommerce_warehouse.model.runs import Run


def corrupt(db: Path, sql: str) -> None:
    connection = sqlite3.connect(db)
    connection.execute(sql)
    connection.commit()
    connection.close()


def ingest(cli, db: Path, path: Path) -> None:
    result = cli.invoke(warehouse, ["ingest", "--db", str(db), str(path)])
    assert result.exit_code == 0, result.output


def test_bronze_only_checks_are_in_the_manifest():
    assert set(BRONZE_ONLY) <= set(CHECK_FILES)
    for name in BRONZE_ONLY:
        reads = sqlfiles.header_value(name, "sqlite", "reads") or ""
        assert "fact_orders" not in reads and "dim_" not in reads and "silver" not in reads


def test_checks_alongside_find_what_the_transform_connection_finds(tmp_path, cli):
    db = tmp_path / "w.db"
    records = [line(f"T{n}", "2025-03-01") for n in range(1, 6)]
    ingest(cli, db, batch(tmp_path, "transactions_a.jsonl", records + [records[0]]))   # T1 twice
    # a buggy tool marks the skipped copy loaded and miscounts the file
    corrupt(db, "update raw_transactions set load_status = 'loaded' where load_status = 'duplicate'")
    corrupt(db, "update etl_files set records_read = records_read + 1")
    engine = open_engine(str(db))
    scope = {"from_raw_id": 0, "to_raw_id": 2**62, "from_order_key": 0}
    with write_transaction(engine) as connection:
        jobs = [CheckJob(name, {**checks.check_parameters(), **scope}) for name in BRONZE_ONLY]
        with ChecksAlongside(connection, jobs, lines=2**62) as alongside:
            found = alongside.results()
        plain = run_checks(connection)
    engine.dispose()
    assert set(found) == set(BRONZE_ONLY)
    by_name = {f"checks/{result.name}": result for result in plain}
    for name, result in found.items():
        assert result.as_dict() == by_name[name].as_dict()
        assert result.status == "fail"
    assert found["checks/raw_transactions_one_loaded_copy"].sample == [
        {"transaction_id": "T1", "loaded_copies": 2}]


@pytest.mark.parametrize("damage, check", [
    ("update etl_files set records_loaded = records_loaded + 1", "etl_files_counts_reconcile"),
    ("update raw_transactions set load_status = 'loaded' where load_status = 'duplicate'",
     "raw_transactions_one_loaded_copy"),
])
def test_a_bronze_check_failing_alongside_stops_the_transform(tmp_path, cli, monkeypatch,
                                                             damage, check):
    monkeypatch.setattr(checks, "ALONGSIDE_LINES", 0)     # a small run goes alongside too
    db = tmp_path / "w.db"
    load(db, batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01")]))
    records = [line("T2", "2025-03-02"), line("T3", "2025-03-02")]
    ingest(cli, db, batch(tmp_path, "transactions_b.jsonl", records + [records[0]]))
    corrupt(db, damage)
    before = rows(db, "select * from fact_orders order by order_key")
    result = cli.invoke(warehouse, ["transform", "--db", str(db)])
    assert result.exit_code == 3, result.output
    assert check in result.output and "rolled back" in result.output
    assert rows(db, "select * from fact_orders order by order_key") == before
    assert rows(db, f"""select status from dq_check_results where check_name = '{check}'
                        order by result_id desc limit 1""") == [("fail",)]


def test_the_checks_child_is_gone_when_the_transform_is_done_or_fails_first(tmp_path, cli):
    """The child answers and exits; if the transform ends before asking (it failed), the
    child is stopped on the way out. It never outlives the command."""
    db = tmp_path / "w.db"
    ingest(cli, db, batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01")]))
    engine = open_engine(str(db))
    scope = {**checks.check_parameters(), "from_raw_id": 0, "to_raw_id": 2**62, "from_order_key": 0}
    jobs = [CheckJob(name, scope) for name in BRONZE_ONLY]
    with write_transaction(engine) as connection:
        answered = ChecksAlongside(connection, jobs, lines=2**62)
        with answered:
            child = answered.child
            assert {result.status for result in answered.results().values()} == {"pass"}
            assert child.returncode == 0 and answered.child is None
        failed = ChecksAlongside(connection, jobs, lines=2**62)
        with pytest.raises(RuntimeError), failed:
            child = failed.child
            raise RuntimeError("a transform step failed")
        assert child.returncode is not None and failed.child is None
    engine.dispose()


def test_a_small_run_checks_bronze_on_its_own_connection(tmp_path, cli):
    db = tmp_path / "w.db"
    ingest(cli, db, batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01")]))
    engine = open_engine(str(db))
    with write_transaction(engine) as connection:
        scope = {**checks.check_parameters(), "from_raw_id": 0, "to_raw_id": 1, "from_order_key": 0}
        small = ChecksAlongside(connection, [CheckJob(name, scope) for name in BRONZE_ONLY], lines=1)
        with small:
            assert small.results() == {}
    engine.dispose()
    assert not small.parallel


def test_the_fact_still_refuses_an_unknown_status(tmp_path):
    db = tmp_path / "w.db"
    load(db, batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01")]))
    connection = sqlite3.connect(db)
    for status in ("completed", "cancelled", "refunded"):
        connection.execute("update fact_orders set status = ?", (status,))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        connection.execute("update fact_orders set status = 'shipped'")
    connection.close()


def test_a_small_transform_has_the_bigger_cache_and_gives_it_back(tmp_path, cli, monkeypatch):
    db = tmp_path / "w.db"
    load(db, batch(tmp_path, "transactions_a.jsonl", [line("T1", "2025-03-01"), line("T2", "2025-03-01")]))
    ingest(cli, db, batch(tmp_path, "transactions_b.jsonl", [line("T3", "2025-03-02")]))   # 1 line into 2
    seen = []
    real_run_sql = transform_module.run_sql

    def run_sql(connection, name, params=None):
        if name == "transform/fact_orders":
            seen.append(connection.exec_driver_sql("pragma cache_size").scalar())
        return real_run_sql(connection, name, params)

    monkeypatch.setattr(transform_module, "run_sql", run_sql)
    engine = open_engine(str(db))
    try:
        transform_module.transform(engine, Run(engine, "transform", {}))
        assert engine.pool.checkedin() == 1         # the one connection the transform used
        with engine.connect() as connection:
            after = connection.exec_driver_sql("pragma cache_size").scalar()
    finally:
        engine.dispose()
    assert seen == [-INCREMENT_CACHE_KIB]
    assert after == -2000                           # SQLite's default, back on the connection
    assert rows(db, "select count(*) from fact_orders") == [(3,)]
