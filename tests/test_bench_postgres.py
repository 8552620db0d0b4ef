"""Smoke test of `warehouse bench --postgres URL` at a small size, and of the binary COPY.

No test asserts a time: the benchmark measures, it does not judge. Skipped (saying how
to enable them) without WAREHOUSE_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from backends import pg, require_postgres  # noqa: F401  (fixture)
from ecommerce_warehouse.bench import postgres_bench as bench_postgres
from ecommerce_warehouse.cli import warehouse
from ecommerce_warehouse.db import bulk_writer, open_engine, write_transaction
from ecommerce_warehouse.engines.postgresql_copy import CopyRows
from ecommerce_warehouse.load.ingest import insert_columns
from ecommerce_warehouse.sources.transactions import SOURCE as TRANSACTIONS

INSERT_COLUMNS = insert_columns(TRANSACTIONS)

N = 1_200


@pytest.fixture(scope="module")
def document() -> dict:
    url = require_postgres()
    result = CliRunner().invoke(warehouse, ["bench", "--postgres", url, "--transactions", str(N), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_path_is_timed_with_positive_figures(document):
    (run,) = document["runs"]
    assert run["lines"] > 0 and run["bronze_rows"] == run["lines"]
    assert run["repeat"] == 3 and document["repeat"] == 3
    assert set(run["paths"]) == set(bench_postgres.PATHS)
    for figures in run["paths"].values():
        assert figures["seconds"] > 0 and figures["rows_per_second"] > 0
        assert len(figures["samples_seconds"]) == 3
        assert figures["client_cpu_seconds"] >= 0
    assert run["paths"]["copy"]["format"] == "binary"
    assert run["inserts_over_copy"] > 0 and run["copy_text_over_copy"] > 0
    assert document["psycopg"]["implementation"] in ("binary", "c", "python")
    assert document["server"]["server_version"]


def test_the_benchmark_drops_its_schema(document):
    import psycopg

    from backends import conninfo

    (run,) = document["runs"]
    assert run["schema"].startswith(bench_postgres.SCHEMA_PREFIX)
    with psycopg.connect(conninfo(require_postgres())) as connection:
        left = connection.execute("select count(*) from pg_namespace where nspname = %s",
                                  [run["schema"]]).fetchone()
    assert left == (0,)


def test_text_report_names_paths_and_ratio():
    url = require_postgres()
    result = CliRunner().invoke(warehouse, ["bench", "--postgres", url, "--transactions", "300"])
    assert result.exit_code == 0, result.output
    assert "row inserts ÷ COPY" in result.stdout
    for title in ("COPY, binary (ingest's path)", "COPY, text format", "row inserts (executemany)"):
        assert title in result.stdout


def test_sqlite_only_options_are_refused_with_postgres():
    result = CliRunner().invoke(warehouse, ["bench", "--postgres", "postgresql+psycopg://x@127.0.0.1/x",
                                            "--compare"])
    assert result.exit_code == 2
    assert "--compare is for the SQLite bench" in result.output


def test_a_url_that_is_not_postgres_is_refused():
    result = CliRunner().invoke(warehouse, ["bench", "--postgres", "sqlite:///x.db", "--transactions", "10"])
    assert result.exit_code == 1
    assert "give a PostgreSQL URL for psycopg 3" in result.output


def test_binary_and_text_copy_store_the_same_bronze_rows(pg):  # noqa: F811
    """The same rows through COPY in binary and in text format read back equal, and a
    chunk whose timestamp text does not parse goes as text (stored as the server reads it)."""
    warehouse_ = pg.warehouse()
    warehouse_.load()
    engine = open_engine(warehouse_.db)
    try:
        with write_transaction(engine) as connection:
            file_id = connection.execute(text(
                "insert into etl_files (path, sha256, file_format, status, loaded_at, source)"
                " values ('f', 's', 'jsonl', 'loading', now(), 'transactions') returning file_id")).scalar_one()

            def row(number: int, event_ts: str | None, registered: str | None) -> tuple:
                values = dict.fromkeys(INSERT_COLUMNS)
                values.update(raw_id=10**6 + number, batch_id=file_id, source_file="f",
                              loaded_at="2025-03-01T10:15:00.000000Z",
                              record_number=number, raw_text=f'{{"n": {number}, "s": "é"}}',
                              load_status="loaded", transaction_id=f"T{number}", event_ts=event_ts,
                              event_date=event_ts and event_ts[:10], date_key=20250301, quantity=2**31 - 1,
                              price_cents=10**15, user_registration_date=registered, user_name="tab\there")
                return tuple(values[column] for column in INSERT_COLUMNS)

            binary = bulk_writer(connection, "ingest/insert_raw_transaction", INSERT_COLUMNS)
            assert binary.format == "binary"
            statement = binary.statement
            textual = CopyRows(connection, "x", statement, INSERT_COLUMNS, binary=False)
            assert textual.format == "text"
            binary.run([row(1, "2025-03-01T23:59:59.999999Z", "2022-02-28")])
            binary.run([row(2, None, None)])                        # the same COPY goes on
            binary.finish()
            textual.run([row(3, "2025-03-01T23:59:59.999999Z", "2022-02-28"), row(4, None, None)])
            textual.finish()
            unparsed = [row(5, "2025-03-01T10:00:00", None)]      # no offset: not for binary
            assert binary._binary_values(unparsed) is None
            binary.run([row(6, "2025-03-01T23:59:59.999999Z", None)])
            binary.run(unparsed)                                    # so it goes as text,
            binary.run([row(7, "2025-03-01T23:59:59.999999Z", None)])   # in a COPY of its own
            binary.finish()
            stored = connection.execute(text(
                "select record_number, raw_text, event_ts, event_date, user_registration_date,"
                " quantity, price_cents, user_name, loaded_at from raw_transactions"
                " where batch_id = :file_id order by record_number"), {"file_id": file_id}).all()
            connection.rollback()
    finally:
        engine.dispose()
    by_number = {values[0]: values[1:] for values in stored}
    assert by_number[1][1:] == by_number[3][1:] and by_number[2][1:] == by_number[4][1:]
    assert by_number[1][0] == '{"n": 1, "s": "é"}'
    assert by_number[1][1].isoformat() == "2025-03-01T23:59:59.999999+00:00"
    assert by_number[2][1] is None and by_number[2][3] is None
    assert sorted(by_number) == [1, 2, 3, 4, 5, 6, 7]
