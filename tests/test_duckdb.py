"""DuckDB only: the same warehouse as SQLite, read-only queries that refuse every write and
every way out of the file, a missing extra, the DuckDB twins of SQL files.

Tests use the ``duck`` fixture (tests/backends.py) and are skipped without the
``[duckdb]`` extra; each warehouse is a file of the test's own. The command line, quality
gates, busy runs and kill -9 run on DuckDB through ``backend`` (tests/test_backends.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from backends import Backend, duck, open_backend  # noqa: F401  (fixture)
from conftest import SQL_DIR
from ecommerce_warehouse.classroom import walkthrough
from ecommerce_warehouse.cli import warehouse as warehouse_cli
from engine_helpers import (
    NUL_FILE,
    assert_query_binds_params_and_limits_rows,
    assert_real_members_start_at_one,
    assert_same,
    corpus_files,
    design_text,
    five_lines_module_warehouse,
    generated_runs,
    load_runs,
    one_line_error,
    query,
    sqlite_twin,
    write_jsonl,
)


def test_the_same_batches_give_the_same_warehouse_on_sqlite_and_duckdb(duck, tmp_path):  # noqa: F811
    runs = generated_runs(tmp_path)
    lite = sqlite_twin(tmp_path, "equivalence")
    columnar = duck.warehouse("equivalence")

    load_runs(lite, runs)
    load_runs(columnar, runs)

    assert_same(lite, columnar, "DuckDB", "generated days, out of order")
    assert_real_members_start_at_one(columnar)


def test_the_bad_input_corpus_gives_the_same_warehouse_on_sqlite_and_duckdb(duck, tmp_path):  # noqa: F811
    files = corpus_files()            # DuckDB text holds a NUL, as SQLite's does
    assert any(path.name == NUL_FILE for path in files) and len(files) > 30
    lite = sqlite_twin(tmp_path, "corpus")
    columnar = duck.warehouse("corpus")

    results = [lite.load(*files), columnar.load(*files)]

    assert [f.status for f in results[0].files] == [f.status for f in results[1].files]
    assert results[0].error == results[1].error
    assert_same(lite, columnar, "DuckDB", "the bad input corpus", require_rows=False)


# --- warehouse query on DuckDB ----------------------------------------------------------------

@pytest.fixture(scope="module")
def five_lines_file(tmp_path_factory) -> Path:
    """A DuckDB warehouse with five_lines_loaded, built once for the module (then closed)."""
    folder = tmp_path_factory.mktemp("five_lines")
    with five_lines_module_warehouse("duckdb", folder) as loaded:
        return Path(loaded.path)


@pytest.fixture
def loaded(duck, tmp_path, five_lines_file):  # noqa: F811
    """A copy of the module's five-line warehouse: each test may try to change its own."""
    copy = tmp_path / "five.duckdb"
    for suffix in ("", ".wal"):
        if Path(f"{five_lines_file}{suffix}").exists():
            shutil.copyfile(f"{five_lines_file}{suffix}", f"{copy}{suffix}")
    return duck.warehouse(copy)


def test_query_binds_params_and_limits_rows(loaded):
    assert_query_binds_params_and_limits_rows(loaded)


@pytest.mark.parametrize("sql", [
    "insert into dim_date (date_key) values (1)",
    "update fact_orders set quantity = 0",
    "delete from fact_orders",
    "create table sneaky (x int)",
    "drop table dim_date",
    "copy fact_orders to '{out}/leak.csv'",
    "copy (select * from dim_users) to '{out}/leak.parquet' (format parquet)",
    "export database '{out}/leak'",
    "attach '{out}/other.duckdb' as other",
    "install httpfs",
    "load httpfs",
    "pragma memory_limit = '10GB'",
    "set enable_external_access = true",
    "call checkpoint()",
    "checkpoint",
    "select * from read_csv('{out}/secret.csv')",
    "select 1; delete from fact_orders",
])
def test_query_refuses_every_write_and_every_way_out_of_the_file(loaded, sql, tmp_path):
    (tmp_path / "secret.csv").write_text("a\n1\n", encoding="utf-8")
    result = query(loaded.db, sql.format(out=tmp_path))
    message = one_line_error(result)
    assert "read-only" in message or "one statement" in message, message
    assert loaded.rows("select count(*), sum(quantity) from fact_orders") == [(5, 15)]
    assert not any(path.name.startswith(("leak", "other")) for path in tmp_path.iterdir())


def test_query_errors_are_one_line(loaded):
    one_line_error(query(loaded.db, "select nope\nfrom fact_orders"), "nope")
    one_line_error(query(loaded.db, "select * from fact_orders where x = :x"), "--param x")


def test_reading_commands_on_a_missing_or_foreign_file_say_so(duck, tmp_path):  # noqa: F811
    missing = f"duckdb:///{tmp_path / 'none.duckdb'}"
    one_line_error(query(missing, "select 1"), "no warehouse", exit_code=5)
    one_line_error(CliRunner().invoke(warehouse_cli, ["status", "--db", missing]), "no warehouse", exit_code=5)
    assert not (tmp_path / "none.duckdb").exists()
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database", encoding="utf-8")
    one_line_error(query(f"duckdb:///{text}", "select 1"), "not a DuckDB database file", exit_code=5)


def test_a_missing_extra_is_a_usage_error_naming_it(monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def without_duckdb(name, *args, **kwargs):
        if name.split(".")[0] in ("duckdb", "duckdb_engine"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_duckdb)
    result = CliRunner().invoke(warehouse_cli, ["status", "--db", f"duckdb:///{tmp_path / 'w.duckdb'}"])
    assert result.exit_code == 2, result.output
    assert "ecommerce-warehouse[duckdb]" in result.stderr and "Traceback" not in result.output


# --- the DuckDB twins of SQL files -------------------------------------------------------------

VARIANTS = sorted(SQL_DIR.rglob("*.duckdb.sql"))


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: str(p.relative_to(SQL_DIR)))
def test_every_duckdb_variant_has_a_portable_twin_and_says_why(path):
    twins = [path.with_name(path.name.replace(".duckdb.sql", suffix)) for suffix in (".sql", ".sqlite.sql")]
    assert any(twin.is_file() for twin in twins), f"{path} has no twin (portable or SQLite)"
    header = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                       if line.startswith("--"))
    assert "(DuckDB dialect)" in header.splitlines()[0]
    assert "Why a twin:" in header, f"{path} should say why it differs"
    name = str(path.relative_to(SQL_DIR)).removesuffix(".duckdb.sql")
    assert f"{name}.duckdb.sql" in design_text(), f"docs/ENGINES.md should list {name}.duckdb.sql"


# --- the classroom commands on DuckDB ---------------------------------------------------------------

def test_walkthrough_docs_and_report_run_on_a_duckdb_warehouse(duck, tmp_path):  # noqa: F811
    """The walkthrough builds its warehouse on DuckDB with the same screens as on SQLite
    (only the file names differ), then docs and report read that warehouse."""
    screens = {}
    for name, db in (("sqlite", str(tmp_path / "walk.db")), ("duckdb", f"duckdb:///{tmp_path / 'walk.duckdb'}")):
        result = CliRunner().invoke(warehouse_cli, ["walkthrough", "--db", db, "--no-pause"])
        assert result.exit_code == 0, result.output
        # up to the closing words, which name the warehouse (wrapped to its length)
        screens[name] = result.stdout.split("The walkthrough's warehouse is")[0]
    differ = [(a, b) for a, b in zip(screens["sqlite"].splitlines(), screens["duckdb"].splitlines())
              if a != b and not a.startswith("Walkthrough · ")]     # the path, clipped to fit
    assert len(screens["sqlite"].splitlines()) == len(screens["duckdb"].splitlines())
    for lite, columnar in differ:   # a step's SQL file may be a twin; nothing else differs
        assert lite.startswith("SQL  sql/") and columnar.startswith("SQL  sql/"), (lite, columnar)
        assert lite.split(".")[0] == columnar.split(".")[0], (lite, columnar)
    steps = len(walkthrough.LESSON)
    assert f"Step {steps} of {steps}" in screens["duckdb"]

    db = f"duckdb:///{tmp_path / 'walk.duckdb'}"
    docs = CliRunner().invoke(warehouse_cli, ["docs", "--db", db, "--out", str(tmp_path / "docs")])
    assert docs.exit_code == 0, docs.output
    dictionary = (tmp_path / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert "fact_orders" in dictionary and "BIGINT" in dictionary
    report = CliRunner().invoke(warehouse_cli, ["report", "--db", db, "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 0, report.output
    assert "Ada" not in report.stderr and (tmp_path / "r.html").stat().st_size > 10_000


def test_a_chunk_where_a_column_is_null_in_every_row_or_in_all_but_the_last_loads(duck, tmp_path):  # noqa: F811
    # a chunk of 5,000 direct visits: no referrer at all, one campaign in its last row (DuckDB
    # samples an object array and failed when its sample held only Nones)
    views = [{"event_id": f"E{n}", "timestamp": f"2025-03-01T10:{n // 100 % 60:02d}:{n % 60:02d}Z",
              "page_url": "https://shop.example.com/p/P0001", "anonymous_id": f"V{n % 700}"}
             for n in range(5_999)]
    views.append({"event_id": "E-last", "timestamp": "2025-03-01T11:00:00Z", "anonymous_id": "V-last",
                  "page_url": "https://shop.example.com/?utm_medium=email&utm_campaign=spring"})
    path = write_jsonl(tmp_path / "events_20250301.jsonl", views)
    lite, columnar = sqlite_twin(tmp_path, "nulls"), duck.warehouse("nulls")

    results = [lite.load(path, source="events"), columnar.load(path, source="events")]

    assert [r.error for r in results] == [None, None]
    sql = """select count(*), count(referrer), count(utm_campaign), max(utm_campaign), max(utm_medium)
             from raw_events where load_status = 'loaded'"""
    assert columnar.rows(sql) == lite.rows(sql) == [(6_000, 0, 1, "spring", "email")]
    assert columnar.rows("select count(*) from fact_page_views") == [(6_000,)]


def test_an_ingest_runs_on_its_own_threads_and_memory_and_gives_the_connection_its_own_back(duck, tmp_path):  # noqa: F811
    """While a file's records load, DuckDB runs on INGEST_THREADS under RECORDS_MEMORY_LIMIT;
    the duplicate check on the connection's own threads under INGEST_MEMORY_LIMIT; then the
    connection has its own settings again, error or not."""
    from ecommerce_warehouse.engines.duckdb import ENGINE
    from ecommerce_warehouse.engines.duckdb_config import (
        INGEST_MEMORY_LIMIT,
        INGEST_THREADS,
        MEMORY_LIMIT,
        RECORDS_MEMORY_LIMIT,
        THREADS,
    )

    assert INGEST_THREADS != THREADS and INGEST_MEMORY_LIMIT != MEMORY_LIMIT, "the test would prove nothing"
    assert RECORDS_MEMORY_LIMIT not in (INGEST_MEMORY_LIMIT, MEMORY_LIMIT), "the test would prove nothing"
    engine = ENGINE.open(f"duckdb:///{tmp_path / 'tuning.duckdb'}", wait_seconds=1)

    def tuning(connection) -> tuple:
        return connection.exec_driver_sql(
            "select current_setting('threads'), current_setting('memory_limit')").one()

    def as_set(threads, limit) -> tuple:
        import duckdb

        scratch = duckdb.connect()     # DuckDB's own spelling of the limit, e.g. '244.1 MiB'
        scratch.execute("set memory_limit = ?", [limit])
        return int(threads), scratch.execute("select current_setting('memory_limit')").fetchone()[0]

    with engine.begin() as connection:
        own = tuning(connection)
        assert own == as_set(THREADS, MEMORY_LIMIT)      # as every connection opens
        with ENGINE.ingest_tuning(connection, "records"):
            assert tuning(connection) == as_set(INGEST_THREADS, RECORDS_MEMORY_LIMIT)
        assert tuning(connection) == own
        with ENGINE.ingest_tuning(connection, "copies"):
            assert tuning(connection) == as_set(THREADS, INGEST_MEMORY_LIMIT)
        assert tuning(connection) == own
        with pytest.raises(ValueError), ENGINE.ingest_tuning(connection, "records"):
            raise ValueError("a failed ingest")
        assert tuning(connection) == own
    engine.dispose()


def test_running_out_of_memory_is_one_line_naming_the_limits_and_how_to_raise_them(duck, tmp_path, monkeypatch):  # noqa: F811
    # 2 MB cannot hold even one chunk of these lines: DuckDB's own error, told in one line
    monkeypatch.setenv("WAREHOUSE_DUCKDB_INGEST_MEMORY_LIMIT", "2MB")
    warehouse = duck.warehouse("memory")
    path = write_jsonl(tmp_path / "transactions_20250301.jsonl", [
        {"transaction_id": f"T{n}", "timestamp": "2025-03-01T10:00:00Z", "quantity": 1, "price": 2.5,
         "user": {"user_id": f"U{n}", "name": "x" * 300}, "product": {"product_id": f"P{n}"}}
        for n in range(30_000)])

    result = CliRunner().invoke(warehouse_cli, ["ingest", "--db", warehouse.db, str(path)])

    message = one_line_error(result, "ran out of memory", "2MB in an ingest",
                             "WAREHOUSE_DUCKDB_INGEST_MEMORY_LIMIT", exit_code=5)
    assert warehouse.db.removeprefix("duckdb:///") in message
    assert warehouse.rows("select count(*) from raw_transactions") == [(0,)]      # the file: all or nothing
