"""PostgreSQL sessions: how a warehouse is named (URL + schema) and how every session is set up.

A warehouse lives in one schema of a database (default ``public``), so several
warehouses (one per student, say) share a database. The schema travels with the ``--db``
URL as the query parameter ``?schema=NAME`` (the CLI's ``--schema`` / ``WAREHOUSE_SCHEMA``
adds it); every connection sets ``search_path`` to exactly that schema, so the project's
SQL files name no schema. The name is validated and always quoted as an identifier,
never formatted into SQL as a value.
"""

from __future__ import annotations

import re
import weakref

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError

from ecommerce_warehouse.errors import DatabaseError
from ecommerce_warehouse.settings import DEFAULT_SCHEMA

DIALECT = "postgresql"
DRIVER = "psycopg"
# The URL query parameter that names the warehouse's schema (taken out before connecting).
SCHEMA_PARAMETER = "schema"
# A schema name: lower-case letters, digits and _, starting with a letter or _, at most
# 63 characters (PostgreSQL's limit); pg_* is reserved for the system.
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Advisory locks are per database; the key names the project and the schema, so two
# warehouses in one database never wait for each other.
LOCK_PREFIX = "ecommerce_warehouse:"
LOCK_POLL_SECONDS = 0.05
# SQLSTATE codes the PostgreSQL modules turn into messages.
READ_ONLY_TRANSACTION = "25006"
LOCK_NOT_AVAILABLE = "55P03"
UNIQUE_VIOLATION = "23505"
DUPLICATE_SCHEMA = "42P06"

# The schema of each engine the PostgreSQL modules opened (for lock keys and messages), and how
# long its sessions wait for a lock.
_schemas: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
_wait_seconds: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


# --- naming the warehouse: URL + schema ------------------------------------------------------

def check_schema_name(name: str) -> str:
    """``name`` if it is a schema name this project accepts; ValueError (saying why) if not."""
    if not SCHEMA_NAME.fullmatch(name or ""):
        raise ValueError(
            f"{name!r} is not a schema name: use 1 to 63 lower-case letters, digits or _, "
            "starting with a letter or _ (e.g. warehouse_ann)")
    if name.startswith("pg_"):
        raise ValueError(f"{name!r} is not a schema name: pg_* is reserved by PostgreSQL")
    return name


def with_schema(db: str, schema: str | None) -> str:
    """The --db value with ``schema`` folded in, as the library reads it.

    The default schema changes nothing (a SQLite path or a URL stays as given). Another
    schema is added to a PostgreSQL URL as ``?schema=NAME``; it is refused for SQLite
    (a SQLite warehouse is one file: give another path) and when the URL names another.
    """
    if schema is None or schema == DEFAULT_SCHEMA:
        return db
    check_schema_name(schema)
    if "://" not in db:
        raise ValueError("schemas are for PostgreSQL warehouses; a SQLite warehouse is a file "
                         "of its own (give another --db path instead)")
    try:
        url = make_url(db)
    except ArgumentError as exc:
        raise ValueError("--db is not a file path or database URL") from exc
    if url.get_backend_name() != DIALECT:
        raise ValueError(f"schemas are for PostgreSQL warehouses, not {url.get_backend_name()}")
    named = url.query.get(SCHEMA_PARAMETER)
    if named is not None and named != schema:
        raise ValueError(f"{schema} contradicts ?{SCHEMA_PARAMETER}={named} in --db")
    if named == schema:
        return db
    return url.update_query_dict({SCHEMA_PARAMETER: schema}).render_as_string(hide_password=False)


def split_schema(url: URL) -> tuple[URL, str]:
    """(the URL to connect to, the warehouse's schema) from a warehouse URL."""
    schema = url.query.get(SCHEMA_PARAMETER, DEFAULT_SCHEMA)
    if not isinstance(schema, str):
        raise DatabaseError(f"--db names ?{SCHEMA_PARAMETER}= more than once")
    try:
        check_schema_name(schema)
    except ValueError as exc:
        raise DatabaseError(f"--schema: {exc}") from exc
    return url.difference_update_query([SCHEMA_PARAMETER]), schema


def shown(url: URL, schema: str) -> str:
    """The warehouse as printed: the URL without its password, and the schema."""
    return f"{url.render_as_string(hide_password=True)} (schema {schema})"


def schema_of(engine: Engine) -> str:
    return _schemas.get(engine, DEFAULT_SCHEMA)


def _driver_check(url: URL, shown_db: str) -> None:
    if url.get_driver_name() != DRIVER:
        raise DatabaseError(
            f"{shown_db}: PostgreSQL warehouses are reached with psycopg 3; "
            f"write the URL as postgresql+psycopg://USER@HOST:PORT/DATABASE")


def _quoted(schema: str):
    from psycopg import sql

    return sql.Identifier(schema)


def _configure_session(dbapi_connection, schema: str, read_only: bool = False,
                       lock_timeout: str | None = None) -> None:
    """Run on every new connection: the warehouse's schema; read-only transactions, or
    how long a statement waits for a lock, if asked."""
    from psycopg import sql

    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute(sql.SQL("set search_path to {}").format(_quoted(schema)))
        if read_only:
            dbapi_connection.execute("set session characteristics as transaction read only")
        if lock_timeout is not None:
            dbapi_connection.execute("select set_config('lock_timeout', %s, false)", [lock_timeout])
    finally:
        dbapi_connection.autocommit = autocommit


def one_line(exc: BaseException) -> str:
    """The driver's message, on one line (without SQLAlchemy's background link)."""
    orig = getattr(exc, "orig", None) or exc
    return " ".join(str(orig).split())


def schema_exists(connection: Connection, schema: str) -> bool:
    return connection.execute(
        text("select exists (select 1 from pg_catalog.pg_namespace where nspname = :schema)"),
        {"schema": schema},
    ).scalar_one()
