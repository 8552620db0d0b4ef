"""PostgreSQL only: the same warehouse as SQLite, its types, schemas, read-only queries,
COPY, the per-dialect SQL files, and that a password never shows.

Tests that need the server use the ``pg`` fixture (tests/backends.py) and are skipped
without WAREHOUSE_TEST_POSTGRES_URL; each warehouse lives in a schema of its own.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from click.testing import CliRunner

from backends import Backend, open_backend, pg  # noqa: F401  (fixture)
from conftest import SQL_DIR, VIEW_FILES
from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.cli import run_pipeline_cli
from ecommerce_warehouse.cli import warehouse as warehouse_cli
from ecommerce_warehouse.db import bulk_writer, open_engine, write_transaction
from ecommerce_warehouse.engines import postgresql as postgres
from ecommerce_warehouse.errors import WarehouseBusyError
from ecommerce_warehouse.load.ingest import insert_columns
from ecommerce_warehouse.sources.transactions import SOURCE as TRANSACTIONS
from engine_helpers import (
    CORPUS,
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

INSERT_COLUMNS = insert_columns(TRANSACTIONS)
GOLD_VIEWS = tuple(name.split("/")[-1] for name in VIEW_FILES if name.startswith("gold/"))
SILVER_VIEWS = tuple(name.split("/")[-1] for name in VIEW_FILES if name.startswith("silver/"))

def test_the_same_batches_give_the_same_warehouse_on_sqlite_and_postgresql(pg, tmp_path):  # noqa: F811
    # the SCD1 merges and the watermark work incrementally, run by run
    runs = generated_runs(tmp_path)
    lite = sqlite_twin(tmp_path, "equivalence")
    server = pg.warehouse("equivalence")

    load_runs(lite, runs)
    load_runs(server, runs)

    assert_same(lite, server, "PostgreSQL", "generated days, out of order")
    for warehouse_ in (lite, server):
        assert_real_members_start_at_one(warehouse_)


def test_the_bad_input_corpus_gives_the_same_warehouse_on_sqlite_and_postgresql(pg, tmp_path):  # noqa: F811
    files = [path for path in corpus_files() if path.name != NUL_FILE]
    assert len(files) > 30
    lite = sqlite_twin(tmp_path, "corpus")
    server = pg.warehouse("corpus")

    results = [lite.load(*files), server.load(*files)]

    assert [f.status for f in results[0].files] == [f.status for f in results[1].files]
    assert results[0].error == results[1].error
    assert_same(lite, server, "PostgreSQL", "the bad input corpus", require_rows=False)


def test_a_nul_character_refuses_the_file_by_name_and_the_others_still_load(pg, tmp_path):  # noqa: F811
    server = pg.warehouse()
    good = write_jsonl(tmp_path / "good.jsonl", [{"transaction_id": "G1", "timestamp": "2025-03-01T10:00:00Z",
                                                   "quantity": 1, "price": 2, "product": {"product_id": "P"}}])
    result = server.load(CORPUS / NUL_FILE, good)
    assert [f.status for f in result.files] == ["refused", "loaded"]
    assert "record 2: user_name holds a NUL character" in result.error
    assert server.rows("select transaction_id from fact_orders") == [("G1",)]
    assert server.rows("select status, error from etl_files where status = 'refused'") == [
        ("refused", "record 2: user_name holds a NUL character (\\u0000), which PostgreSQL text cannot store")]


def test_columns_have_postgresql_types_in_the_same_order_as_on_sqlite(pg, tmp_path):  # noqa: F811
    lite = Backend("sqlite", tmp_path / "lite", None).warehouse("types")
    server = pg.warehouse("types")
    lite.load()
    server.load()
    sqlite_columns = {}
    for (table,) in lite.rows("select name from sqlite_master where type in ('table', 'view')"):
        sqlite_columns[table] = [name for _, name, *_ in lite.rows(f"pragma table_info({table})")]
    found = server.rows("""select table_name, column_name, data_type, collation_name
                           from information_schema.columns where table_schema = current_schema()
                           order by table_name, ordinal_position""")
    server_columns: dict[str, list[str]] = {}
    types = {}
    for table, column, data_type, collation in found:
        server_columns.setdefault(table, []).append(column)
        types[(table, column)] = (data_type, collation)
    assert server_columns == sqlite_columns

    for table, column in [("fact_orders", "order_key"), ("raw_transactions", "raw_id"),
                          ("dim_users", "user_key"), ("etl_files", "file_id"), ("etl_runs", "run_id")]:
        assert types[(table, column)][0] == "bigint", (table, column)
    identity = server.rows("""select table_name from information_schema.columns
                              where table_schema = current_schema() and is_identity = 'YES'
                              order by 1""")
    # raw_transactions.raw_id is given by the ingest (a file's records take the ids after
    # the highest in Bronze), and the star's surrogate keys by the transform's SQL, as on
    # SQLite: only the run log's own ids are the server's
    assert [t for (t,) in identity] == ["dq_check_results", "etl_files", "etl_runs"]
    tables = {t for (t,) in server.rows("""select table_name from information_schema.tables
                                           where table_schema = current_schema()
                                             and table_type = 'BASE TABLE'""")}
    for (table, column), (data_type, collation) in types.items():
        if table not in tables:
            continue
        if column.endswith("_cents"):
            assert data_type == "bigint", (table, column, data_type)
        if column.endswith(("_at", "_ts", "_timestamp")):
            assert data_type == "timestamp with time zone", (table, column, data_type)
        if column.endswith("_date"):
            assert data_type == "date", (table, column, data_type)
        # etl_run_steps keeps its portable file: nothing orders or compares its text
        if data_type == "text" and table != "etl_run_steps":
            assert collation == "C", f"{table}.{column} should compare byte-wise, as on SQLite"


# --- schemas: several warehouses in one database -------------------------------------------

def test_schema_option_and_environment_variable_keep_warehouses_apart(pg, tmp_path, monkeypatch):  # noqa: F811
    one = pg.server.new_schema()
    two = pg.server.new_schema()
    path = write_jsonl(tmp_path / "transactions_a.jsonl", [{"transaction_id": "T1", "timestamp": "2025-03-01T10:00:00Z",
                                               "quantity": 1, "price": 2, "product": {"product_id": "P"}}])
    cli = CliRunner()

    by_option = cli.invoke(run_pipeline_cli, ["--db", pg.server.url, "--schema", one, "--input", str(path)])
    assert by_option.exit_code == 0, by_option.output
    assert f"?schema={one}" in by_option.stdout
    by_env = cli.invoke(run_pipeline_cli, ["--db", pg.server.url, "--input", str(path), "--input", str(path)],
                        env={"WAREHOUSE_SCHEMA": two})
    assert by_env.exit_code == 0, by_env.output

    counts = pg.server.admin.execute(
        "select table_schema, count(*) from information_schema.tables"
        " where table_schema = any(%s) and table_name = 'fact_orders' group by 1", ([one, two],)).fetchall()
    assert dict(counts) == {one: 1, two: 1}
    for schema, runs in ((one, 1), (two, 1)):
        status = cli.invoke(warehouse_cli, ["status", "--db", pg.server.url, "--schema", schema, "--json"])
        assert status.exit_code == 0, status.output
        assert len(json.loads(status.stdout)["runs"]) == runs


@pytest.mark.parametrize("schema", ["Robert'); drop table students;--", "a b", "UPPER", "pg_catalog",
                                    "x" * 64, "1abc", ""])
def test_a_bad_schema_name_is_a_usage_error(schema):
    result = CliRunner().invoke(warehouse_cli, ["status", "--db", "postgresql+psycopg://u@localhost/db",
                                                "--schema", schema])
    assert result.exit_code == 2, result.output
    assert "Invalid value for --schema" in result.stderr


def test_with_schema_folds_the_schema_into_a_postgresql_url_only():
    url = "postgresql+psycopg://ann:pw@db.example.org:5432/course?sslmode=require"
    assert postgres.with_schema(url, "public") == url
    assert postgres.with_schema("data/w.db", "public") == "data/w.db"
    folded = postgres.with_schema(url, "warehouse_ann")
    assert folded == ("postgresql+psycopg://ann:pw@db.example.org:5432/course"
                      "?schema=warehouse_ann&sslmode=require")
    assert postgres.with_schema(folded, "warehouse_ann") == folded
    with pytest.raises(ValueError, match="contradicts"):
        postgres.with_schema(folded, "warehouse_bob")
    with pytest.raises(ValueError, match="SQLite warehouse is a file"):
        postgres.with_schema("data/w.db", "warehouse_ann")
    with pytest.raises(ValueError, match="not sqlite"):
        postgres.with_schema("sqlite:///data/w.db", "warehouse_ann")


def test_runs_on_two_schemas_do_not_wait_for_each_other(pg, tmp_path):  # noqa: F811
    first, second = pg.warehouse("first"), pg.warehouse("second")
    first.load()
    second.load()
    engine = open_engine(first.db)
    try:
        with postgres.run_lock(engine, 0):
            result = second.load()          # another schema: not blocked
            assert result.error is None
            with pytest.raises(Exception, match="warehouse is busy"):
                first.load(wait_seconds=0.2)
    finally:
        engine.dispose()
    assert first.load().error is None      # the lock went with the first run


def test_a_reader_in_an_open_transaction_never_holds_a_load_past_wait(pg, tmp_path):  # noqa: F811
    warehouse = pg.warehouse()
    first = write_jsonl(tmp_path / "transactions_a.jsonl", [{"transaction_id": "T1", "timestamp": "2025-03-01T10:00:00Z",
                                                "quantity": 1, "price": 2, "product": {"product_id": "P"}}])
    second = write_jsonl(tmp_path / "b.jsonl", [{"transaction_id": "T2", "timestamp": "2025-03-02T10:00:00Z",
                                                 "quantity": 1, "price": 2, "product": {"product_id": "P"}}])
    warehouse.load(first)
    reader = warehouse.new_connection()
    try:
        with reader.transaction():
            assert reader.execute("select count(*) from gold_daily_sales").fetchone() == (1,)
            began = time.monotonic()
            try:
                outcome = warehouse.load(second, wait_seconds=0.5).status
            except WarehouseBusyError as exc:
                outcome = str(exc)
            waited = time.monotonic() - began
    finally:
        reader.close()
    assert waited < 5, f"the load waited {waited:.1f} s for the reader, past --wait 0.5"
    assert outcome == "succeeded" or outcome.startswith("warehouse is busy"), outcome
    assert warehouse.load(second).error is None
    assert warehouse.rows("select count(*) from fact_orders") == [(2,)]


# --- COPY -----------------------------------------------------------------------------------

def test_bronze_rows_arrive_by_copy_with_the_insert_files_columns(pg):  # noqa: F811
    warehouse = pg.warehouse()
    warehouse.load()
    engine = open_engine(warehouse.db)
    try:
        with write_transaction(engine) as connection:
            insert = bulk_writer(connection, "ingest/insert_raw_transaction", INSERT_COLUMNS)
            assert insert.format in ("binary", "text"), "PostgreSQL should load Bronze with COPY"
            portable = sqlfiles.statements("ingest/insert_raw_transaction", "sqlite")[0]
            listed = re.search(r"\((.*?)\)", portable, re.DOTALL).group(1)
            assert [c.strip() for c in listed.split(",")] == list(INSERT_COLUMNS)
            connection.rollback()
    finally:
        engine.dispose()


def order_line(n: int, name: str = "Ann") -> dict:
    return {"transaction_id": f"T{n}", "timestamp": "2025-03-01T10:00:00Z", "quantity": 1, "price": 2,
            "user": {"user_id": "U1", "name": name}, "product": {"product_id": "P1"}}


def test_a_nul_deep_in_a_streamed_copy_is_named_and_nothing_loads(pg, tmp_path):  # noqa: F811
    """One COPY carries many chunks; a NUL the server refuses long after its chunk was
    sent still names its record, and the file loads nothing."""
    server = pg.warehouse()
    lines = [order_line(n) for n in range(1, 12_001)]
    lines[999] = order_line(1_000, "Bo\u0000b")          # in the first chunk of three
    path = write_jsonl(tmp_path / "deep.jsonl", lines)
    result = finishes(lambda: server.load(path))
    assert [f.status for f in result.files] == ["refused"]
    assert "record 1000: user_name holds a NUL character" in result.error
    assert server.rows("select count(*) from raw_transactions") == [(0,)]


def finishes(work, seconds: float = 60):
    """Run ``work`` in a thread; its result, or fail (not hang) if it has not returned."""
    import threading

    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        # a COPY left open: end its session on the server, so that its locks do not hold
        # up the fixture's cleanup (the stuck thread is a daemon and dies with the run)
        import psycopg

        from backends import conninfo, require_postgres
        with psycopg.connect(conninfo(require_postgres()), autocommit=True) as admin:
            admin.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                          " where pid <> pg_backend_pid() and datname = current_database()"
                          " and query ilike 'copy raw_transactions%'")
        pytest.fail("still running: a COPY left open holds the connection forever")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_a_file_that_breaks_after_its_copy_began_loads_nothing(pg, tmp_path):  # noqa: F811
    """A .json array that breaks after two chunks went into the open COPY: the COPY is
    ended with the error, the file is refused with its position, the next file loads."""
    server = pg.warehouse()
    broken = tmp_path / "broken.json"
    body = ",\n".join(json.dumps(order_line(n)) for n in range(1, 12_001))
    broken.write_text("[\n" + body + ",\n{\"transaction_id\": ", encoding="utf-8")
    good = write_jsonl(tmp_path / "good.jsonl", [order_line(99_999)])
    result = finishes(lambda: server.load(broken, good))
    assert [f.status for f in result.files] == ["refused", "loaded"]
    assert "line 12002" in result.error
    assert server.rows("select transaction_id from raw_transactions") == [("T99999",)]


def test_an_error_between_chunks_ends_the_copy_and_rolls_back(pg):  # noqa: F811
    """Whatever fails while a COPY is open (here the caller, between two chunks), leaving
    the bulk_writer block ends the COPY, so the transaction rolls back instead of waiting
    on the connection forever."""
    warehouse = pg.warehouse()
    warehouse.load()
    engine = open_engine(warehouse.db)

    def load_then_fail():
        row = dict.fromkeys(INSERT_COLUMNS)
        row.update(raw_id=1, batch_id=1, source_file="f", loaded_at="2025-03-01T10:15:00.000000Z",
                   record_number=1, raw_text="{}", load_status="rejected")
        with write_transaction(engine) as connection, \
                bulk_writer(connection, "ingest/insert_raw_transaction", INSERT_COLUMNS) as insert:
            insert.run([tuple(row[column] for column in INSERT_COLUMNS)])
            raise RuntimeError("the caller failed mid-file")

    try:
        with pytest.raises(RuntimeError, match="mid-file"):
            finishes(load_then_fail)
        assert warehouse.rows("select count(*) from raw_transactions") == [(0,)]
    finally:
        engine.dispose()


def test_many_rejects_across_chunks_keep_their_reasons(pg, tmp_path):  # noqa: F811
    """Reasons go in by UPDATE whenever a chunk's worth have gathered, which ends the COPY
    in progress and starts another: every row and every reason is where it belongs."""
    server = pg.warehouse()
    lines = [order_line(n) if n % 2 else {**order_line(n), "quantity": 0} for n in range(1, 12_001)]
    result = server.load(write_jsonl(tmp_path / "half_bad.jsonl", lines))
    assert [f.status for f in result.files] == ["loaded"]
    assert server.rows("""select load_status, reject_reason, count(*), min(record_number), max(record_number)
                          from raw_transactions group by load_status, reject_reason
                          order by load_status""") == [
        ("loaded", None, 6_000, 1, 11_999), ("rejected", "out_of_range", 6_000, 2, 12_000)]
    assert server.rows("select count(*) from rejected_transactions where field = 'quantity'") == [(6_000,)]
    assert server.rows("select count(*) from fact_orders") == [(6_000,)]


# --- warehouse query on PostgreSQL ---------------------------------------------------------------

@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One warehouse with five_lines_loaded for the module's query tests: queries only read
    (each test checks that its own query changed nothing), so they share it."""
    with five_lines_module_warehouse("postgresql", tmp_path_factory.mktemp("five_lines")) as loaded:
        yield loaded


def test_query_binds_params_and_limits_rows(loaded):
    assert_query_binds_params_and_limits_rows(loaded)


@pytest.mark.parametrize("sql", [
    "insert into dim_date (date_key) values (1)",
    "update fact_orders set quantity = 0",
    "create table sneaky (x int)",
    "select nextval(pg_get_serial_sequence('etl_runs', 'run_id'))",
    "set transaction read write",
    "set session characteristics as transaction read write",
])
def test_query_runs_in_a_read_only_transaction(loaded, sql):
    result = query(loaded.db, sql)
    if result.exit_code == 0:           # a session setting: harmless, the session ends here
        assert sql.startswith("set session")
    else:
        one_line_error(result)
    assert loaded.rows("select count(*), sum(quantity) from fact_orders") == [(5, 15)]
    assert loaded.rows("select count(*) from information_schema.tables"
                       " where table_schema = current_schema() and table_name = 'sneaky'") == [(0,)]


def test_query_errors_are_one_line_and_say_where(loaded):
    one_line_error(query(loaded.db, "select nope\nfrom fact_orders"),
                   'column "nope" does not exist', "line 1, column 8")
    one_line_error(query(loaded.db, "select * from fact_orders where x = :x"), "--param x")
    one_line_error(query(loaded.db, "delete from fact_orders"), "read-only")


def test_query_and_status_on_a_missing_schema_say_so(pg):  # noqa: F811
    db = pg.server.warehouse_url(pg.server.new_schema())
    one_line_error(query(db, "select 1"), "no warehouse", "schema does not exist", exit_code=5)
    one_line_error(CliRunner().invoke(warehouse_cli, ["status", "--db", db]), "no warehouse", exit_code=5)


# --- a password never shows -----------------------------------------------------------------------

def with_password(url: str, password: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)


def test_a_password_in_the_url_never_appears_in_output_or_the_run_log(pg, tmp_path):  # noqa: F811
    secret = "s3cret-Pa55"
    warehouse = pg.warehouse()
    db = with_password(warehouse.db, secret)     # trust auth: the server ignores it
    assert secret in db
    path = write_jsonl(tmp_path / "transactions_a.jsonl", [{"transaction_id": "T1", "timestamp": "2025-03-01T10:00:00Z",
                                               "quantity": 1, "price": 2, "product": {"product_id": "P"}}])
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    cli = CliRunner()
    outputs = [
        cli.invoke(run_pipeline_cli, ["--db", db, "--input", str(path), "--json"]),
        cli.invoke(run_pipeline_cli, ["--db", db, "--input", str(path), "-v"]),
        cli.invoke(run_pipeline_cli, ["--db", db, "--input", str(broken)]),
        cli.invoke(warehouse_cli, ["status", "--db", db]),
        cli.invoke(warehouse_cli, ["status", "--db", db, "--json"]),
        cli.invoke(warehouse_cli, ["query", "--db", db, "select * from etl_runs"]),
        cli.invoke(warehouse_cli, ["query", "--db", db, "select nope"]),
        cli.invoke(warehouse_cli, ["rejects", "--db", db]),
        cli.invoke(warehouse_cli, ["check", "--db", db]),
    ]
    unreachable = with_password(re.sub(r"@[^/?]+", "@127.0.0.1:1", pg.server.url), secret)
    outputs += [
        cli.invoke(run_pipeline_cli, ["--db", unreachable, "--input", str(path)]),
        cli.invoke(warehouse_cli, ["query", "--db", unreachable, "select 1"]),
        cli.invoke(warehouse_cli, ["status", "--db", unreachable]),
    ]
    assert [r.exit_code for r in outputs][:2] == [0, 0], outputs[0].output
    for result in outputs:
        assert secret not in result.output, result.output
        assert "Traceback" not in result.output, result.output
    for result in outputs[-3:]:
        assert result.exit_code != 0 and "***" in result.stderr, result.output
    logged = warehouse.rows("select parameters, coalesce(error, '') from etl_runs")
    assert logged and all(secret not in p + e for p, e in logged)
    assert all("***" in p for p, _ in logged)


# --- the engine twins of SQL files ---------------------------------------------------------------------

VARIANTS = sorted(SQL_DIR.rglob("*.postgresql.sql"))


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: str(p.relative_to(SQL_DIR)))
def test_every_postgresql_variant_has_a_portable_twin_and_says_why(path):
    twins = [path.with_name(path.name.replace(".postgresql.sql", suffix)) for suffix in (".sql", ".sqlite.sql")]
    assert any(twin.is_file() for twin in twins), f"{path} has no twin (portable or SQLite)"
    header = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                       if line.startswith("--"))
    assert "(PostgreSQL dialect)" in header.splitlines()[0]
    assert "Why a twin:" in header, f"{path} should say why it differs"
    name = str(path.relative_to(SQL_DIR)).removesuffix(".postgresql.sql")
    assert f"{name}.postgresql.sql" in design_text(), f"docs/ENGINES.md should list {name}.postgresql.sql"


TO_CHAR_UTC = "to_char({0} at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
# A variant whose statements are its twin's with these replacements, and nothing else:
# the difference is exactly what the header says, and a change to the twin that is not
# carried over fails here.
SAME_BUT = {
    "silver/silver_transactions": [("event_ts || ' ' || transaction_id as snapshot_version",
                                    TO_CHAR_UTC.format("event_ts")
                                    + "\n        || ' ' || transaction_id as snapshot_version")],
    "status/recent_runs": [("    started_at,", f"    {TO_CHAR_UTC.format('started_at')} as started_at,"),
                           ("    finished_at,", f"    {TO_CHAR_UTC.format('finished_at')} as finished_at,")],
    "status/files_summary": [("    min(loaded_at) as", f"    {TO_CHAR_UTC.format('min(loaded_at)')} as"),
                             ("    max(loaded_at) as", f"    {TO_CHAR_UTC.format('max(loaded_at)')} as")],
    "checks/fact_orders_freshness": [("select max(order_timestamp) as newest_order",
                                      "select " + TO_CHAR_UTC.format("max(order_timestamp)")
                                      + "\n    as newest_order")],
}

@pytest.mark.parametrize("name", sorted(SAME_BUT))
def test_a_variant_differs_from_its_twin_only_where_it_must(name):
    portable = "\n".join(sqlfiles.statements(name, "sqlite"))
    for old, new in SAME_BUT[name]:
        assert old in portable, f"{name}.sql changed: {old!r} is gone; update {name}.postgresql.sql too"
        portable = portable.replace(old, new)
    variant = "\n".join(sqlfiles.statements(name, "postgresql"))
    assert variant == portable, f"{name}.postgresql.sql differs from {name}.sql beyond the declared change"
