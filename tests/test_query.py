"""`warehouse query`: output formats, --limit, --param, SQL errors, and that it never writes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from conftest import load, rows
from ecommerce_warehouse.cli import warehouse
from ecommerce_warehouse.engines.sqlite_read import connect_read_only
from ecommerce_warehouse.errors import QueryError
from ecommerce_warehouse.generate import transactions as generator
from ecommerce_warehouse.read.query import parse_params


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """One small warehouse (a day of about 60 lines, some of them dirty) for every test here."""
    folder = tmp_path_factory.mktemp("query")
    written = generator.generate(date(2025, 3, 1), date(2025, 3, 1), 60, 5, folder / "raw",
                                 dirty_rate=0.05)
    path = folder / "warehouse.db"
    load(path, *(p for p, _ in written))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(cli, db: Path, *args: str, **kwargs):
    return cli.invoke(warehouse, ["query", "--db", str(db), *args], **kwargs)


def assert_one_line_error(result, *fragments: str, exit_code: int = 1):
    """A one-line error; exit 1 for a problem with the SQL, 5 when the warehouse cannot be used."""
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit)
    message = result.stderr.strip()
    assert message.startswith("Error: ")
    assert "\n" not in message, message
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in message, message
    return message


# --- output formats ---------------------------------------------------------------------------

SQL_SOME_DATES = ("select date_key, full_date, day_name, null as missing, 1.5 as half "
                  "from dim_date order by date_key")


def test_table_is_aligned_with_a_row_count(cli, db):
    (product_id,) = rows(db, "select product_id from dim_products where product_key = 1")[0]
    result = query(cli, db, "select product_key, product_id from dim_products "
                            "where product_key in (-1, 1) order by product_key")
    assert result.exit_code == 0, result.output
    # numbers are right-aligned under their header, text left-aligned
    assert result.stdout.splitlines() == [
        "product_key  product_id",
        "-----------  ----------",
        "         -1",
        f"          1  {product_id}",
        "(2 rows)",
    ]
    assert result.stderr == ""


def test_table_shows_null(cli, db):
    result = query(cli, db, "select null as missing, 'x' as something")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2].split() == ["NULL", "x"]


def test_csv_matches_the_table(cli, db):
    result = query(cli, db, SQL_SOME_DATES, "--format", "csv")
    assert result.exit_code == 0, result.output
    parsed = list(csv.reader(io.StringIO(result.stdout)))
    assert parsed[0] == ["date_key", "full_date", "day_name", "missing", "half"]
    expected = rows(db, SQL_SOME_DATES)
    assert parsed[1:] == [[str(k), d, n, "", "1.5"] for k, d, n, _, _ in expected]


def test_json_is_one_object_per_row(cli, db):
    result = query(cli, db, SQL_SOME_DATES, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"date_key": k, "full_date": d, "day_name": n, "missing": None, "half": 1.5}
        for k, d, n, _, _ in rows(db, SQL_SOME_DATES)
    ]


def test_json_keeps_repeated_column_names_apart(cli, db):
    result = query(cli, db, "select 1 as a, 2 as a, 3 as a_2", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [{"a": 1, "a_2": 2, "a_2_2": 3}]


def test_markdown_table(cli, db):
    result = query(cli, db, "select 1 as n, 'a|b' as t", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["| n | t |", "| ---: | --- |", "| 1 | a\\|b |"]


def test_a_query_without_rows_prints_the_header(cli, db):
    result = query(cli, db, "select user_id from dim_users where 0")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["user_id", "-------", "(0 rows)"]
    result = query(cli, db, "select user_id from dim_users where 0", "--format", "json")
    assert json.loads(result.stdout) == []


def test_sql_from_a_file_and_from_stdin(cli, db, tmp_path):
    sql_file = tmp_path / "q.sql"
    sql_file.write_text("-- how many days?\nselect count(*) as days\nfrom dim_date;\n", encoding="utf-8")
    (days,) = rows(db, "select count(*) from dim_date")[0]
    for result in (query(cli, db, "--file", str(sql_file), "--format", "csv"),
                   query(cli, db, "--file", "-", "--format", "csv", input=sql_file.read_text())):
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == ["days", str(days)]


def test_sql_and_file_are_exclusive(cli, db, tmp_path):
    sql_file = tmp_path / "q.sql"
    sql_file.write_text("select 1", encoding="utf-8")
    result = query(cli, db, "select 1", "--file", str(sql_file))
    assert result.exit_code == 2
    assert "not both" in result.stderr
    result = query(cli, db)
    assert result.exit_code == 2
    assert "give the SQL" in result.stderr


def test_reads_views_recursive_ctes_and_table_info(cli, db):
    for sql in ("select count(*) from gold_daily_sales",
                ("with recursive n(x) as (select 1 union all select x + 1 from n where x < 5) "
                 "select sum(x) from n"),
                "pragma table_info(fact_orders)",
                "explain query plan select * from fact_orders where user_key = 1"):
        result = query(cli, db, sql, "--format", "json")
        assert result.exit_code == 0, (sql, result.output)
        assert json.loads(result.stdout)
    result = query(cli, db, "with recursive n(x) as (select 1 union all select x + 1 from n "
                            "where x < 5) select sum(x) as total from n", "--format", "csv")
    assert result.stdout.splitlines() == ["total", "15"]


# --- --limit ----------------------------------------------------------------------------------

def test_limit_cuts_rows_with_a_notice_on_stderr(cli, db):
    (lines,) = rows(db, "select count(*) from fact_orders")[0]
    assert lines > 3
    result = query(cli, db, "select order_key from fact_orders order by order_key",
                   "--limit", "3", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["order_key", "1", "2", "3"]
    assert "showing the first 3 rows" in result.stderr
    assert "--limit" in result.stderr


def test_no_notice_when_nothing_was_cut(cli, db):
    (days,) = rows(db, "select count(*) from dim_date")[0]
    result = query(cli, db, "select * from dim_date", "--limit", str(days), "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == days
    assert result.stderr == ""


def test_limit_zero_prints_every_row(cli, db):
    (lines,) = rows(db, "select count(*) from fact_orders")[0]
    result = query(cli, db, "select order_key from fact_orders", "--limit", "0", "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == lines
    assert result.stderr == ""


def test_default_limit_is_1000(cli, db):
    sql = "with recursive n(x) as (select 1 union all select x + 1 from n where x < 1500) select x from n"
    result = query(cli, db, sql, "--format", "csv")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1 + 1000
    assert "showing the first 1,000 rows" in result.stderr


def test_negative_limit_is_a_usage_error(cli, db):
    result = query(cli, db, "select 1", "--limit", "-1")
    assert result.exit_code == 2


# --- --param ----------------------------------------------------------------------------------

def test_params_are_bound(cli, db):
    (user_id, name) = rows(db, "select user_id, name from dim_users where user_key <> -1 "
                               "order by user_key limit 1")[0]
    result = query(cli, db, "select name from dim_users where user_id = :id",
                   "--param", f"id={user_id}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["name", name]


def test_param_values_are_never_sql(cli, db):
    result = query(cli, db, "select count(*) as n from dim_users where user_id = :id",
                   "--param", "id=x' or '1'='1", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", "0"]


def test_param_types(cli, db):
    result = query(cli, db, "select :i + 1 as i, typeof(:i) as ti, :r * 2 as r, :z as z, "
                            "typeof(:z) as tz, :forced as forced, typeof(:forced) as tf, :t as t",
                   "-p", "i=41", "-p", "r=1.25", "-p", "z=007", "-p", "forced:text=12",
                   "-p", "t=a=b", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"i": 42, "ti": "integer", "r": 2.5, "z": "007",
                                          "tz": "text", "forced": "12", "tf": "text", "t": "a=b"}]


def test_parse_params_rejects_bad_input():
    assert parse_params(["n:int=5", "x:real=2", "s=abc", "e="]) == {"n": 5, "x": 2.0, "s": "abc", "e": ""}
    for bad in (["novalue"], ["1x=2"], ["a=1", "a=2"], ["n:int=five"], ["n:date=2025-03-01"]):
        with pytest.raises(QueryError):
            parse_params(bad)


def test_bad_param_is_a_one_line_error(cli, db):
    assert_one_line_error(query(cli, db, "select :n", "--param", "n"), "NAME=VALUE")


def test_missing_param_is_a_one_line_error(cli, db):
    assert_one_line_error(query(cli, db, "select :missing"), ":missing")


# --- SQL errors -------------------------------------------------------------------------------

def test_syntax_error_names_the_token_and_where(cli, db):
    message = assert_one_line_error(query(cli, db, "selec * from dim_date"))
    assert message == 'Error: SQL error: near "selec": syntax error (at line 1, column 1)'


def test_unknown_column_is_located_on_its_line(cli, db):
    message = assert_one_line_error(query(cli, db, "select user_id,\n       nme\nfrom dim_users"))
    assert message == "Error: SQL error: no such column: nme (at line 2, column 8)"


def test_unknown_table(cli, db):
    assert_one_line_error(query(cli, db, "select * from fact_order"), "no such table: fact_order")


def test_one_statement_at_a_time(cli, db, tmp_path):
    assert_one_line_error(query(cli, db, "select 1; select 2"), "one statement at a time")
    sql_file = tmp_path / "two.sql"
    sql_file.write_text("select 1;\nselect 2;\n", encoding="utf-8")
    assert_one_line_error(query(cli, db, "--file", str(sql_file)), "one statement at a time")
    assert_one_line_error(query(cli, db, "--", "-- just a comment\n"), "no SQL statement")


# --- it never writes ------------------------------------------------------------------------------

DENIED = {
    "insert": "insert into dim_date (date_key, full_date, year, quarter, month, year_month, "
              "month_name, day_of_month, day_of_week, day_name, is_weekend) "
              "values (20990101, '2099-01-01', 2099, 1, 1, '2099-01', 'January', 1, 4, 'Thursday', 0)",
    "update": "update dim_users set name = 'x'",
    "delete": "delete from fact_orders",
    "drop table": "drop table fact_orders",
    "drop view": "drop view gold_daily_sales",
    "create table": "create table notes (x)",
    "create temp table": "create temp table notes (x)",
    "create view": "create view v as select 1",
    "alter table": "alter table dim_users add column age integer",
    "create index": "create index i on fact_orders (status)",
    "attach": "attach database '{target}' as other",
    "vacuum into": "vacuum into '{target}'",
    "vacuum": "vacuum",
    "reindex": "reindex",
    "analyze": "analyze",
    "begin": "begin immediate",
    "savepoint": "savepoint s",
    "pragma query_only = 0": "pragma query_only = 0",
    "pragma query_only = off": "pragma query_only = off",
    "pragma journal_mode": "pragma journal_mode = delete",
    "pragma writable_schema": "pragma writable_schema = on",
    "pragma read_uncommitted = 1": "pragma read_uncommitted = 1",
    "load_extension": "select load_extension('/nonexistent/extension')",
    "insert in a cte": "with x as (select 1) insert into etl_runs (command, started_at) "
                       "select 'x', 'y' from x",
}


@pytest.mark.parametrize("label", sorted(DENIED))
def test_writes_and_escapes_are_denied(cli, db, tmp_path, label):
    target = tmp_path / "copy.db"
    before = digest(db)
    result = query(cli, db, DENIED[label].format(target=target))
    assert_one_line_error(result, "read-only", "not allowed")
    assert digest(db) == before
    assert not target.exists()


def test_denied_message_says_what_was_refused(cli, db, tmp_path):
    message = assert_one_line_error(query(cli, db, DENIED["insert"]))
    assert "INSERT on dim_date is not allowed" in message
    message = assert_one_line_error(query(cli, db, "pragma query_only = 0"))
    assert "PRAGMA query_only = 0 is not allowed" in message
    message = assert_one_line_error(query(cli, db, DENIED["load_extension"]))
    assert "load_extension() is not allowed" in message
    message = assert_one_line_error(query(cli, db, f"vacuum into '{tmp_path / 'x.db'}'"))
    assert "VACUUM INTO" in message


def test_still_read_only_with_the_authorizer_bypassed(cli, db, monkeypatch):
    """query_only and the read-only file each stop a write on their own."""
    monkeypatch.setattr("ecommerce_warehouse.engines.sqlite_read.ReadOnlyAuthorizer.__call__",
                        lambda self, *args: sqlite3.SQLITE_OK)
    before = digest(db)
    for sql in (DENIED["insert"], DENIED["delete"], DENIED["drop table"], DENIED["create table"]):
        assert_one_line_error(query(cli, db, sql), "read-only")
    assert digest(db) == before
    (count,) = rows(db, "select count(*) from dim_date where date_key = 20990101")[0]
    assert count == 0


def test_the_file_itself_is_opened_read_only(db):
    """Even with the authorizer removed and query_only switched off, SQLite refuses to write."""
    before = digest(db)
    connection, _ = connect_read_only(db)
    try:
        assert connection.execute("pragma query_only").fetchone() == (1,)
        connection.set_authorizer(None)
        connection.execute("pragma query_only = 0")
        assert connection.execute("pragma query_only").fetchone() == (0,)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("delete from fact_orders")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("create table notes (x)")
    finally:
        connection.close()
    assert digest(db) == before


# --- the warehouse itself ---------------------------------------------------------------------------

def test_missing_warehouse_is_not_created(cli, tmp_path):
    missing = tmp_path / "nowhere" / "warehouse.db"
    assert_one_line_error(query(cli, missing, "select 1"), "no warehouse at", str(missing), exit_code=5)
    assert not missing.exists()
    assert not missing.parent.exists()


def test_a_folder_is_not_a_warehouse(cli, tmp_path):
    assert_one_line_error(query(cli, tmp_path, "select 1"), "is a folder", exit_code=5)


def test_a_file_that_is_not_sqlite(cli, tmp_path):
    text_file = tmp_path / "notes.db"
    text_file.write_text("just some notes, long enough to fill a header", encoding="utf-8")
    assert_one_line_error(query(cli, text_file, "select 1"), "is not a SQLite database file", exit_code=5)
    empty = tmp_path / "empty.db"
    empty.touch()
    assert_one_line_error(query(cli, empty, "select 1"), "is empty", exit_code=5)


def test_db_can_come_from_the_environment(cli, db):
    result = cli.invoke(warehouse, ["query", "select count(*) as n from dim_date", "--format", "csv"],
                        env={"WAREHOUSE_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "n"


def test_sqlite_url(cli, db):
    result = query(cli, f"sqlite:///{db}", "select 1 as one", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["one", "1"]


def test_a_server_that_cannot_be_read_is_a_one_line_error_without_the_password(cli):
    # PostgreSQL is read in a read-only transaction (tests/test_postgres.py); here the
    # role does not exist (or no server answers): a one-line error that hides the password.
    message = assert_one_line_error(
        query(cli, "postgresql+psycopg://reader:secret@localhost/warehouse", "select 1"),
        "postgresql", "reader:***@localhost", exit_code=5)
    assert "secret" not in message


def test_help_explains_the_command(cli):
    result = cli.invoke(warehouse, ["query", "--help"])
    assert result.exit_code == 0
    for text in ("read-only", "--param", "--limit", "--format", "--file", "--db"):
        assert text in result.stdout
