"""SQLite, read-only: a user's SQL (``warehouse query``) and the package's own reads.

A person's ad-hoc SQL goes to the database, so the read path is locked three ways, each
enough on its own to stop a write:

1. the file is opened read-only (a ``file:...?mode=ro`` URI), so SQLite itself
   refuses to write to it;
2. ``PRAGMA query_only = 1`` makes the connection refuse any statement that writes;
3. an authorizer (``sqlite3.Connection.set_authorizer``) allows only what a query
   needs (SELECT, reading columns, calling functions, recursive CTEs and a few
   read-only introspection pragmas) and denies everything else, including ATTACH
   (which VACUUM INTO uses too), ``PRAGMA query_only = 0`` and ``load_extension()``.

Reading never creates a warehouse: a missing, empty or non-SQLite file is an error.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from ecommerce_warehouse.errors import DatabaseError, QueryError
from ecommerce_warehouse.settings import DEFAULT_WAIT_SECONDS

SQLITE_HEADER = b"SQLite format 3\x00"


def existing_file(path: Path) -> Path:
    """``path`` if it is an existing SQLite file; a clear error when it is not.

    Unlike the loading commands, reading never creates a missing warehouse.
    """
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

    def __init__(self, transactions: bool = False):
        self.denied: str | None = None
        # BEGIN / COMMIT / ROLLBACK, for the package's own reads of many tables in one
        # snapshot (``warehouse export``); never for a user's SQL. They cannot write: the
        # file is read-only and query_only is on.
        self.transactions = transactions

    def __call__(self, action: int, arg1, arg2, _database, _trigger) -> int:
        verdict = self.judge(action, arg1, arg2)
        if verdict != sqlite3.SQLITE_OK and self.denied is None:    # the first denial says most
            self.denied = describe_action(action, arg1, arg2)
        return verdict

    def judge(self, action: int, arg1, arg2) -> int:
        if action in self.ALWAYS_ALLOWED:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_TRANSACTION and self.transactions:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() not in DENIED_FUNCTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            if name in READ_ONLY_PRAGMAS and not (name in PRAGMAS_WITHOUT_VALUE and arg2 is not None):
                return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY


# The schema's own table: SQLite asks to write it for CREATE, DROP and ALTER, before anything
# else, so such a denial is named after the statement instead ("DROP TABLE fact_orders").
SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_temp_master", "sqlite_schema", "sqlite_temp_schema"})
SCHEMA_CHANGE = "a change to the schema"
SCHEMA_STATEMENT = re.compile(
    r"\b(create\s+(?:temp(?:orary)?\s+)?(?:unique\s+)?(?:virtual\s+)?(?:table|view|index|trigger)"
    r"|drop\s+(?:table|view|index|trigger)|alter\s+table)\s+(?:if\s+(?:not\s+)?exists\s+)?([\w\".]+)?",
    re.IGNORECASE)


def describe_action(action: int, arg1, arg2) -> str:
    name = ACTION_NAMES.get(action, f"action {action}")
    if action in (sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE) and \
            (arg1 or "").lower() in SCHEMA_TABLES:
        return SCHEMA_CHANGE
    if action == sqlite3.SQLITE_FUNCTION:
        return f"the function {arg2}()"
    if action == sqlite3.SQLITE_PRAGMA:
        return f"PRAGMA {arg1}" + (f" = {arg2}" if arg2 is not None else "")
    if action == sqlite3.SQLITE_ALTER_TABLE:
        return f"ALTER TABLE {arg2}" if arg2 else name
    if action == sqlite3.SQLITE_ATTACH:
        return f"ATTACH (or VACUUM INTO) of {arg1!r}" if arg1 else "ATTACH"
    if action in (sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT):
        return " ".join(str(a) for a in (arg1, arg2) if a) or name
    if arg1:
        return f"{name} on {arg1}"
    return name


def connect_read_only(path: Path, transactions: bool = False) -> tuple[sqlite3.Connection, ReadOnlyAuthorizer]:
    """A connection that cannot write: read-only file, query_only, and the authorizer
    (which lets BEGIN, COMMIT and ROLLBACK through if ``transactions``)."""
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
    authorizer = ReadOnlyAuthorizer(transactions)
    connection.set_authorizer(authorizer)
    return connection, authorizer



def run_query(path: Path, sql: str, params: Mapping[str, object],
              limit: int | None) -> tuple[list[str], list[tuple], bool]:
    """Run one statement on a read-only connection: (columns, rows, truncated)."""
    connection, authorizer = connect_read_only(path)
    try:
        cursor = connection.execute(sql, dict(params))
        columns = [column[0] for column in cursor.description or ()]
        if not columns:
            return [], [], False
        rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit + 1)
    except sqlite3.Error as exc:
        if "unable to open" in str(exc):  # e.g. a WAL warehouse in a folder we cannot write
            raise DatabaseError(f"cannot open {path} read-only: {exc}") from exc
        raise QueryError(describe_sql_error(exc, sql, authorizer.denied)) from exc
    finally:
        connection.close()
    truncated = limit is not None and len(rows) > limit
    return columns, rows[:limit] if truncated else rows, truncated


# SQLite names the offending token ('near "selct": syntax error') or the unknown name.
NAMED_TOKEN = re.compile(r'(?:near|unrecognized token:) "(.*?)"|'
                         r"no such (?:column|table|function): ([^\s,]+)", re.DOTALL)
MORE_THAN_ONE = "You can only execute one statement at a time."


def describe_sql_error(exc: sqlite3.Error, sql: str, denied: str | None) -> str:
    """One line: what SQLite said, and where in the SQL when it names the token."""
    message = " ".join(str(exc).split())
    if denied == SCHEMA_CHANGE:
        found = SCHEMA_STATEMENT.search(sql)
        if found:
            verb = " ".join(found.group(1).upper().split())
            denied = f"{verb} {found.group(2)}" if found.group(2) else verb
    if denied:
        return (f"warehouse query is read-only: {denied} is not allowed; only SELECT (and a few "
                f"read-only pragmas) may run ({message})")
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
