"""Run the user's own SQL against the warehouse, read-only, and format the answer.

``warehouse query`` hands a person's ad-hoc SQL to the database, so the read path is
locked three ways on SQLite, each enough on its own to stop a write:

1. the file is opened read-only (a ``file:...?mode=ro`` URI), so SQLite itself
   refuses to write to it;
2. ``PRAGMA query_only = 1`` makes the connection refuse any statement that writes;
3. an authorizer (``sqlite3.Connection.set_authorizer``) allows only what a query
   needs (SELECT, reading columns, calling functions, recursive CTEs and a few
   read-only introspection pragmas) and denies everything else, including ATTACH
   (which VACUUM INTO uses too), ``PRAGMA query_only = 0`` and ``load_extension()``.

The user's SQL runs exactly as given; ``--param`` values are bound as parameters, never
written into the SQL text.

On PostgreSQL the query runs in a read-only transaction on a session whose transactions
are all read-only, made read-only before the SQL runs (``postgres.run_query``): the
server refuses any write to the warehouse. The server's own privileges still apply, so
on a shared server point ``--db`` at a role that may only read (see README).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from ecommerce_warehouse.db import database_url, redacted
from ecommerce_warehouse.engines import postgresql as postgres
from ecommerce_warehouse.errors import DatabaseError, WarehouseError
from ecommerce_warehouse.settings import DEFAULT_WAIT_SECONDS
from ecommerce_warehouse.sqlfiles import split_statements

DEFAULT_LIMIT = 1000
FORMATS = ("table", "csv", "json", "markdown")
SQLITE_HEADER = b"SQLite format 3\x00"


class QueryError(WarehouseError):
    """The user's SQL was refused or failed; the message says why (and where, if known)."""


@dataclass
class QueryResult:
    """The rows a query returned (at most ``limit``) and whether more were cut off."""

    columns: list[str]
    rows: list[tuple]
    truncated: bool = False
    limit: int | None = None


# --- opening the warehouse read-only --------------------------------------------------

def backend_name(db: str) -> str:
    """The database kind named by the --db value: 'sqlite', 'postgresql', ..."""
    try:
        return make_url(database_url(db)).get_backend_name()
    except ArgumentError as exc:
        raise DatabaseError(f"--db {redacted(db)} is not a file path or database URL") from exc


def sqlite_file(db: str) -> Path:
    """The existing SQLite warehouse file named by ``db``; a clear error when there is none.

    Unlike the loading commands, reading never creates a missing warehouse.
    """
    database = make_url(database_url(db)).database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        raise DatabaseError(f"--db {redacted(db)} does not name a warehouse file to read")
    path = Path(database)
    if not path.exists():
        raise DatabaseError(f"no warehouse at {path}: the file does not exist "
                            "(build one with `warehouse run`)")
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a warehouse file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror}") from exc
    if not header:
        raise DatabaseError(f"{path} is empty, not a warehouse (build one with `warehouse run`)")
    if header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a SQLite database file")
    return path


def not_supported_yet(db: str, backend: str, command: str) -> DatabaseError:
    return DatabaseError(
        f"{command} reads SQLite warehouses only for now; {backend} "
        f"({redacted(db)}) needs a read-only transaction path that is not supported yet"
    )


# Read-only pragmas that only describe the schema or the build; anything else is denied
# (in particular every pragma that sets something, such as query_only or journal_mode).
# read_uncommitted (read by SQLAlchemy when it opens a connection) and query_only may
# only be read, never set.
READ_ONLY_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "collation_list", "function_list", "module_list", "pragma_list",
    "database_list", "compile_options", "read_uncommitted", "query_only",
})
PRAGMAS_WITHOUT_VALUE = frozenset({"read_uncommitted", "query_only"})

# Functions a query may not call even though calling functions is allowed.
DENIED_FUNCTIONS = frozenset({"load_extension"})

# The authorizer's action codes, by name (for the message when one is denied).
ACTION_NAMES = {
    getattr(sqlite3, name): name.removeprefix("SQLITE_").replace("_", " ")
    for name in (
        "SQLITE_CREATE_INDEX", "SQLITE_CREATE_TABLE", "SQLITE_CREATE_TEMP_INDEX",
        "SQLITE_CREATE_TEMP_TABLE", "SQLITE_CREATE_TEMP_TRIGGER", "SQLITE_CREATE_TEMP_VIEW",
        "SQLITE_CREATE_TRIGGER", "SQLITE_CREATE_VIEW", "SQLITE_DELETE", "SQLITE_DROP_INDEX",
        "SQLITE_DROP_TABLE", "SQLITE_DROP_TEMP_INDEX", "SQLITE_DROP_TEMP_TABLE",
        "SQLITE_DROP_TEMP_TRIGGER", "SQLITE_DROP_TEMP_VIEW", "SQLITE_DROP_TRIGGER",
        "SQLITE_DROP_VIEW", "SQLITE_INSERT", "SQLITE_PRAGMA", "SQLITE_READ", "SQLITE_SELECT",
        "SQLITE_TRANSACTION", "SQLITE_UPDATE", "SQLITE_ATTACH", "SQLITE_DETACH",
        "SQLITE_ALTER_TABLE", "SQLITE_REINDEX", "SQLITE_ANALYZE", "SQLITE_CREATE_VTABLE",
        "SQLITE_DROP_VTABLE", "SQLITE_FUNCTION", "SQLITE_SAVEPOINT", "SQLITE_RECURSIVE",
    )
    if hasattr(sqlite3, name)
}


class ReadOnlyAuthorizer:
    """An SQLite authorizer that allows reads only and remembers what it denied.

    SQLite calls it while it compiles each statement; a denial makes the statement fail
    with "not authorized" before it runs, and ``denied`` says what was refused.
    """

    ALWAYS_ALLOWED = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE})

    def __init__(self):
        self.denied: str | None = None

    def __call__(self, action: int, arg1, arg2, _database, _trigger) -> int:
        if action in self.ALWAYS_ALLOWED:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() not in DENIED_FUNCTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            if name in READ_ONLY_PRAGMAS and not (name in PRAGMAS_WITHOUT_VALUE and arg2 is not None):
                return sqlite3.SQLITE_OK
        self.denied = describe_action(action, arg1, arg2)
        return sqlite3.SQLITE_DENY


def describe_action(action: int, arg1, arg2) -> str:
    name = ACTION_NAMES.get(action, f"action {action}")
    if action == sqlite3.SQLITE_FUNCTION:
        return f"the function {arg2}()"
    if action == sqlite3.SQLITE_PRAGMA:
        return f"PRAGMA {arg1}" + (f" = {arg2}" if arg2 is not None else "")
    if action == sqlite3.SQLITE_ATTACH:
        return f"ATTACH (or VACUUM INTO) of {arg1!r}" if arg1 else "ATTACH"
    if action in (sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT):
        return " ".join(str(a) for a in (arg1, arg2) if a) or name
    if arg1:
        return f"{name} on {arg1}"
    return name


def connect_read_only(path: Path) -> tuple[sqlite3.Connection, ReadOnlyAuthorizer]:
    """A connection that cannot write: read-only file, query_only, and the authorizer."""
    uri = path.absolute().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=DEFAULT_WAIT_SECONDS,
                                     isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open {path} read-only: {exc}") from exc
    try:
        connection.execute("PRAGMA query_only = 1")
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise DatabaseError(f"{path} is not a SQLite warehouse (or it is corrupt): {exc}") from exc
    authorizer = ReadOnlyAuthorizer()
    connection.set_authorizer(authorizer)
    return connection, authorizer


def read_only_engine(db: str) -> Engine:
    """A SQLAlchemy engine whose connections are the locked read-only ones above.

    It lets ``database.query_sql`` run the project's own SQL files without any risk of
    writing (and without the write lock the loading commands' engine takes).
    """
    backend = backend_name(db)
    if backend == postgres.DIALECT:
        return postgres.read_only_engine(database_url(db))
    if backend != "sqlite":
        raise not_supported_yet(db, backend, "reading")
    path = sqlite_file(db)
    return create_engine("sqlite://", creator=lambda: connect_read_only(path)[0],
                         poolclass=NullPool)


# --- running a query ----------------------------------------------------------------------

PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PARAM_TYPES: dict[str, Callable[[str], object]] = {"text": str, "int": int, "real": float}
INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+")


def parse_params(pairs: Iterable[str]) -> dict[str, object]:
    """``name=value`` pairs (``name:type=value`` to force a type) as parameters to bind.

    Without a type, a plain integer (no leading zero) binds as an integer, a plain
    decimal as a real, anything else as text; types are text, int and real.
    """
    params: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        name, _, kind = key.partition(":")
        if not sep or not PARAM_NAME.fullmatch(name):
            raise QueryError(f"--param {pair!r}: expected NAME=VALUE (NAME a letter or _ then "
                             "letters, digits or _; use it in the SQL as :NAME)")
        if name in params:
            raise QueryError(f"--param {name} is given twice")
        if kind:
            if kind not in PARAM_TYPES:
                raise QueryError(f"--param {pair!r}: unknown type {kind!r} "
                                 f"(use one of {', '.join(PARAM_TYPES)})")
            try:
                params[name] = PARAM_TYPES[kind](value)
            except ValueError as exc:
                raise QueryError(f"--param {pair!r}: {value!r} is not {kind}") from exc
        elif INTEGER.fullmatch(value):
            params[name] = int(value)
        elif DECIMAL.fullmatch(value):
            params[name] = float(value)
        else:
            params[name] = value
    return params


def single_statement(sql: str) -> str:
    """The SQL, checked to hold exactly one statement (comments are fine)."""
    found = split_statements(sql)
    if not found:
        raise QueryError("no SQL statement given")
    if len(found) > 1:
        raise QueryError(f"give one statement at a time; found {len(found)}")
    return sql


def run_query(db: str, sql: str, params: Mapping[str, object] | None = None,
              limit: int | None = DEFAULT_LIMIT) -> QueryResult:
    """Run one read-only statement; return at most ``limit`` rows (None or 0: all)."""
    single_statement(sql)
    backend = backend_name(db)
    if backend == postgres.DIALECT:
        columns, rows, truncated = postgres.run_query(database_url(db), sql, params or {}, limit or None)
        return QueryResult(columns, rows, truncated, limit or None)
    if backend != "sqlite":
        raise not_supported_yet(db, backend, "warehouse query")
    return run_sqlite_query(sqlite_file(db), sql, params or {}, limit or None)


def run_sqlite_query(path: Path, sql: str, params: Mapping[str, object],
                     limit: int | None) -> QueryResult:
    connection, authorizer = connect_read_only(path)
    try:
        cursor = connection.execute(sql, dict(params))
        columns = [column[0] for column in cursor.description or ()]
        if not columns:
            return QueryResult([], [], False, limit)
        rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit + 1)
    except sqlite3.Error as exc:
        if "unable to open" in str(exc):  # e.g. a WAL warehouse in a folder we cannot write
            raise DatabaseError(f"cannot open {path} read-only: {exc}") from exc
        raise QueryError(describe_sql_error(exc, sql, authorizer.denied)) from exc
    finally:
        connection.close()
    truncated = limit is not None and len(rows) > limit
    return QueryResult(columns, rows[:limit] if truncated else rows, truncated, limit)


# SQLite names the offending token ('near "selct": syntax error') or the unknown name.
NAMED_TOKEN = re.compile(r'(?:near|unrecognized token:) "(.*?)"|'
                         r"no such (?:column|table|function): ([^\s,]+)", re.DOTALL)
MORE_THAN_ONE = "You can only execute one statement at a time."


def describe_sql_error(exc: sqlite3.Error, sql: str, denied: str | None) -> str:
    """One line: what SQLite said, and where in the SQL when it names the token."""
    message = " ".join(str(exc).split())
    if denied:
        return f"warehouse query is read-only: {denied} is not allowed ({message})"
    if "readonly" in message or "read-only" in message:
        return f"warehouse query is read-only: {message}"
    if message == MORE_THAN_ONE:
        return "give one statement at a time (the SQL holds more than one)"
    position = token_position(sql, message)
    return f"SQL error: {message}" + (f" (at {position})" if position else "")


def token_position(sql: str, message: str) -> str | None:
    """'line L, column C' of the token SQLite names, when it occurs exactly once."""
    match = NAMED_TOKEN.search(message)
    token = match and (match.group(1) or match.group(2))
    if not token:
        return None
    pattern = re.escape(token)
    if re.match(r"\w", token):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", token):
        pattern += r"(?!\w)"
    found = [match.start() for match in re.finditer(pattern, sql)]
    if len(found) != 1:
        return None
    first = found[0]
    line = sql.count("\n", 0, first) + 1
    column = first - (sql.rfind("\n", 0, first) + 1) + 1
    return f"line {line}, column {column}"


# --- output ---------------------------------------------------------------------------------

def render(result: QueryResult, output_format: str) -> str:
    """The result as text in one of FORMATS (without a trailing newline)."""
    if output_format == "csv":
        return render_csv(result.columns, result.rows)
    if output_format == "json":
        return render_json(result.columns, result.rows)
    if output_format == "markdown":
        return render_markdown(result.columns, result.rows)
    table = render_table(result.columns, result.rows)
    count = len(result.rows)
    footer = f"({count} row{'' if count == 1 else 's'}{', cut' if result.truncated else ''})"
    return f"{table}\n{footer}" if result.columns else footer


def display(value, null: str = "NULL") -> str:
    """A value as a person reads it in a table: NULL shown, floats without noise."""
    if value is None:
        return null
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, bytes):
        return "x'" + value.hex() + "'"
    return str(value).replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def numeric_columns(columns: Sequence[str], rows: Sequence[Sequence]) -> list[bool]:
    """Per column: every non-null value is a number (such columns are right-aligned)."""
    numeric = []
    for index in range(len(columns)):
        values = [row[index] for row in rows if row[index] is not None]
        numeric.append(bool(values) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values))
    return numeric


def render_table(columns: Sequence[str], rows: Sequence[Sequence], null: str = "NULL") -> str:
    """An aligned text table: header, a rule, then one line per row (NULL shown as ``null``)."""
    cells = [[display(value, null) for value in row] for row in rows]
    header = [display(name) for name in columns]
    widths = [max([len(header[i])] + [len(row[i]) for row in cells]) for i in range(len(columns))]
    numeric = numeric_columns(columns, rows)

    def line(values: Sequence[str], align_numbers: bool) -> str:
        padded = [value.rjust(width) if align_numbers and is_number else value.ljust(width)
                  for value, width, is_number in zip(values, widths, numeric)]
        return "  ".join(padded).rstrip()

    lines = [line(header, True), "  ".join("-" * width for width in widths)]
    lines.extend(line(row, True) for row in cells)
    return "\n".join(lines)


def render_markdown(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    def cell(value) -> str:
        return display(value).replace("|", "\\|").replace("\\n", "<br>")

    numeric = numeric_columns(columns, rows)
    lines = ["| " + " | ".join(cell(name) for name in columns) + " |",
             "| " + " | ".join("---:" if is_number else "---" for is_number in numeric) + " |"]
    lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)
    return "\n".join(lines)


def plain(value):
    """A value for CSV and JSON: bytes as hex text, everything else as it is."""
    return value.hex() if isinstance(value, bytes) else value


def render_csv(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([plain(value) for value in row] for row in rows)
    return buffer.getvalue().rstrip("\n")


def unique_names(columns: Sequence[str]) -> list[str]:
    """Column names made unique for JSON keys: a repeated name gets _2, _3, ..."""
    names: list[str] = []
    for name in columns:
        candidate, number = name, 1
        while candidate in names:
            number += 1
            candidate = f"{name}_{number}"
        names.append(candidate)
    return names


def render_json(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A JSON array with one object per row, keyed by column name."""
    names = unique_names(columns)
    return json.dumps([dict(zip(names, (plain(v) for v in row))) for row in rows], indent=2)


def truncation_notice(result: QueryResult) -> str:
    return (f"warehouse query: showing the first {result.limit:,} rows; the query returned more "
            "(raise --limit, or --limit 0 for every row)")
