"""One parametrised fixture for tests that run on every backend: SQLite, PostgreSQL, DuckDB.

``backend`` is parametrised over BACKENDS; ``warehouse`` is a fresh, empty warehouse on
it. Import both into a test module (``from backends import backend, warehouse``) and
every test that asks for them runs once per backend.

PostgreSQL cases need a server: its URL comes from the environment variable
WAREHOUSE_TEST_POSTGRES_URL (``.ci/run`` sets it to postgresql+psycopg://postgres@
127.0.0.1:5432/test). Without it they are skipped, saying so. Each PostgreSQL
warehouse lives in a schema of its own with a random name, dropped after the test, so
tests never see each other's data and can run against a shared database.

``Backend.load`` / ``Backend.rows`` have the signatures of conftest's ``load`` / ``rows``,
so the existing end-to-end tests run on PostgreSQL unchanged (tests/test_backends_reused.py):
each distinct ``db`` argument they pass names its own warehouse. ``rows`` returns values
as SQLite gives them (``postgres.plain_value``: timestamps as ISO-8601 UTC text with
microseconds, dates as YYYY-MM-DD, whole numerics as int) and accepts ``?`` placeholders.

DuckDB cases need the optional ``[duckdb]`` extra (``.ci/run`` installs it); without it
they are skipped, saying so. A DuckDB warehouse is a file of the test's own.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from datetime import date
from pathlib import Path

import pytest

from ecommerce_warehouse import settings
from ecommerce_warehouse.engines import postgresql as postgres
from ecommerce_warehouse.pipeline import PipelineOptions, run_pipeline

POSTGRES_URL_ENVVAR = "WAREHOUSE_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql", "duckdb")
DUCKDB_SKIP_REASON = ("DuckDB tests need the duckdb extra: pip install -e '.[duckdb]' "
                      "(.ci/run installs it)")
SKIP_REASON = (f"PostgreSQL tests need a server: set {POSTGRES_URL_ENVVAR} "
               "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test; .ci/run sets it)")


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_URL_ENVVAR) or None


def require_postgres() -> str:
    """The test server's URL, or skip the test saying how to get one."""
    url = postgres_url()
    if url is None:
        pytest.skip(SKIP_REASON)
    return url


def require_duckdb() -> None:
    """Skip the test, saying how to install it, when the [duckdb] extra is missing."""
    try:
        import duckdb  # noqa: F401
        import duckdb_engine  # noqa: F401
    except ImportError:
        pytest.skip(DUCKDB_SKIP_REASON)


def duckdb_connect(path: str):
    """A plain duckdb connection to a warehouse file, configured as the engine's own (DuckDB
    refuses a second connection to a file open in the same process with other settings).
    Close it before the pipeline opens the file again."""
    import duckdb

    from ecommerce_warehouse.engines.duckdb import settings as duckdb_settings

    return duckdb.connect(path, config=duckdb_settings())


def conninfo(url: str) -> str:
    """A libpq connection string for a SQLAlchemy postgresql+psycopg URL."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    parsed = parsed.difference_update_query([postgres.SCHEMA_PARAMETER])
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresServer:
    """The test server: hands out warehouses in fresh schemas and drops them afterwards."""

    def __init__(self, url: str):
        import psycopg

        self.url = url
        try:
            self.admin = psycopg.connect(conninfo(url), autocommit=True)
        except psycopg.OperationalError as exc:
            pytest.fail(f"{POSTGRES_URL_ENVVAR} is set but the server does not answer: {exc}")
        self.schemas: list[str] = []

    def new_schema(self) -> str:
        schema = f"test_{uuid.uuid4().hex[:12]}"
        self.schemas.append(schema)
        return schema

    def warehouse_url(self, schema: str) -> str:
        return postgres.with_schema(self.url, schema)

    def connect(self, schema: str):
        """A plain psycopg connection (autocommit) whose search_path is ``schema``."""
        import psycopg
        from psycopg import sql

        connection = psycopg.connect(conninfo(self.url), autocommit=True)
        connection.execute(sql.SQL("set search_path to {}").format(sql.Identifier(schema)))
        return connection

    def close(self) -> None:
        from psycopg import sql

        for schema in self.schemas:
            self.admin.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
        self.admin.close()


class Warehouse:
    """One warehouse on one backend: what ``--db`` takes, loading, and reading it back."""

    def __init__(self, backend: str, db: str, raw_dir: Path, connect):
        self.backend = backend
        self.db = db
        self.raw_dir = raw_dir
        self._connect = connect
        self._connection = None

    def load(self, *files: Path, raw_dir: Path | None = None, **options):
        """Run the whole pipeline on the given files; return its PipelineResult."""
        options.setdefault("source", "transactions")     # files named by hand
        chosen = PipelineOptions(
            db=self.db, start=date(2025, 3, 1), end=date(2025, 3, 1), seed=1, transactions=0,
            raw_dir=raw_dir or self.raw_dir, inputs=tuple(files), **options,
        )
        return run_pipeline(chosen)

    @property
    def path(self) -> str:
        """The warehouse file (SQLite, DuckDB)."""
        return self.db.removeprefix("duckdb:///")

    def new_connection(self):
        """A connection of its own (PostgreSQL: psycopg, autocommit, in the warehouse's schema)."""
        if self.backend == "duckdb":
            return duckdb_connect(self.path)
        return self._connect() if self._connect else sqlite3.connect(self.db)

    @property
    def connection(self):
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    def rows(self, sql: str, params=()) -> list[tuple]:
        """Query the warehouse directly; values as SQLite gives them, ``?`` placeholders."""
        if self.backend == "sqlite":
            connection = sqlite3.connect(self.db)
            try:
                return connection.execute(sql, params).fetchall()
            finally:
                connection.close()
        if self.backend == "duckdb":        # opened for each read: the pipeline needs the file
            connection = duckdb_connect(self.path)
            try:
                found = connection.execute(sql, list(params)).fetchall()
            finally:
                connection.close()
            return [tuple(postgres.plain_value(value) for value in row) for row in found]
        if params:
            sql = sql.replace("%", "%%").replace("?", "%s")
            found = self.connection.execute(sql, tuple(params)).fetchall()
        else:
            found = self.connection.execute(sql).fetchall()
        return [tuple(postgres.plain_value(value) for value in row) for row in found]

    def execute(self, sql: str) -> None:
        """Change the warehouse behind the pipeline's back (committed at once)."""
        if self.backend == "sqlite":
            connection = sqlite3.connect(self.db)
            try:
                connection.execute(sql)
                connection.commit()
            finally:
                connection.close()
        elif self.backend == "duckdb":
            connection = duckdb_connect(self.path)
            try:
                connection.execute(sql)
            finally:
                connection.close()
        else:
            self.connection.execute(sql)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class Backend:
    """Warehouses on one backend, one per name; stands in for conftest's load() and rows()."""

    def __init__(self, name: str, tmp_path: Path, server: PostgresServer | None):
        self.name = name
        self.tmp_path = tmp_path
        self.server = server
        self.warehouses: dict[str, Warehouse] = {}

    def warehouse(self, name="main") -> Warehouse:
        """The warehouse called ``name`` (a label, or a SQLite path a test chose), made on first use."""
        key = str(name)
        if key not in self.warehouses:
            if self.name == "duckdb":
                path = (Path(name).with_suffix(".duckdb") if isinstance(name, Path)
                        else self.tmp_path / f"{key}.duckdb")
                path.parent.mkdir(parents=True, exist_ok=True)
                self.warehouses[key] = Warehouse("duckdb", f"duckdb:///{path}", path.parent / "raw", None)
            elif self.server is None:
                path = Path(name) if isinstance(name, Path) else self.tmp_path / f"{key}.db"
                path.parent.mkdir(parents=True, exist_ok=True)
                self.warehouses[key] = Warehouse("sqlite", str(path), path.parent / "raw", None)
            else:
                schema = self.server.new_schema()
                self.warehouses[key] = Warehouse(
                    "postgresql", self.server.warehouse_url(schema), self.tmp_path / f"raw_{schema}",
                    lambda: self.server.connect(schema))
        return self.warehouses[key]

    # conftest.load / conftest.rows, by the db argument the test passes
    def load(self, db, *files: Path, raw_dir: Path | None = None):
        return self.warehouse(db).load(*files, raw_dir=raw_dir)

    def rows(self, db, sql: str, params=()) -> list[tuple]:
        return self.warehouse(db).rows(sql, params)

    def close(self) -> None:
        for warehouse in self.warehouses.values():
            warehouse.close()
        if self.server is not None:
            self.server.close()


def open_backend(name: str, tmp_path: Path) -> Backend:
    if name == "duckdb":
        require_duckdb()
    server = PostgresServer(require_postgres()) if name == "postgresql" else None
    return Backend(name, tmp_path, server)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path, monkeypatch) -> Backend:
    """SQLite, PostgreSQL (skipped without WAREHOUSE_TEST_POSTGRES_URL), DuckDB (skipped
    without the [duckdb] extra)."""
    # The warehouse is named by --db only: no stray WAREHOUSE_* setting may redirect it.
    for name in (settings.DB_ENVVAR, settings.SCHEMA_ENVVAR, settings.WAIT_ENVVAR):
        monkeypatch.delenv(name, raising=False)
    opened = open_backend(request.param, tmp_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def warehouse(backend) -> Warehouse:
    """A fresh, empty warehouse on the backend under test."""
    return backend.warehouse()


@pytest.fixture
def pg(tmp_path, monkeypatch) -> Backend:
    """PostgreSQL only (skipped without WAREHOUSE_TEST_POSTGRES_URL)."""
    for name in (settings.DB_ENVVAR, settings.SCHEMA_ENVVAR, settings.WAIT_ENVVAR):
        monkeypatch.delenv(name, raising=False)
    opened = open_backend("postgresql", tmp_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def duck(tmp_path, monkeypatch) -> Backend:
    """DuckDB only (skipped without the [duckdb] extra)."""
    for name in (settings.DB_ENVVAR, settings.SCHEMA_ENVVAR, settings.WAIT_ENVVAR):
        monkeypatch.delenv(name, raising=False)
    opened = open_backend("duckdb", tmp_path)
    try:
        yield opened
    finally:
        opened.close()
