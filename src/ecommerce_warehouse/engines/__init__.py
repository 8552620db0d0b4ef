"""The engines a warehouse can live on, each one module behind one interface (``base``).

``for_db(--db value)`` chooses the engine once: a file path is SQLite (the default); a URL
names its engine by its scheme. ``of(connection or engine)`` finds the engine of an open
connection, so code below the CLI can ask it for what differs (bulk writes, errors, the
run lock, ...) instead of asking which engine it is. An engine this release does not
support is refused, never guessed.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError

from ecommerce_warehouse.engines import duckdb, postgresql, sqlite
from ecommerce_warehouse.engines.base import WarehouseEngine
from ecommerce_warehouse.errors import DatabaseError, UnsupportedEngineError

ENGINES: dict[str, WarehouseEngine] = {engine.name: engine for engine in (sqlite.ENGINE, postgresql.ENGINE,
                                                                   duckdb.ENGINE)}
# A --db value without a scheme is a file path, for this engine.
DEFAULT = sqlite.ENGINE


def for_db(db: str) -> WarehouseEngine:
    """The engine a --db value names; UnsupportedEngineError (exit 2) for any other scheme."""
    if "://" not in db:
        return DEFAULT
    try:
        backend = make_url(db).get_backend_name()
    except ArgumentError as exc:
        raise DatabaseError(f"--db {redacted(db)} is not a file path or database URL") from exc
    engine = ENGINES.get(backend)
    if engine is None:
        raise UnsupportedEngineError(
            f"--db {redacted(db)}: {backend} is not a supported engine; use "
            + "; or ".join(f"{name}: {engine.example}" for name, engine in ENGINES.items()))
    return engine


def of(connectable: Connection | Engine) -> WarehouseEngine:
    """The engine of an open SQLAlchemy connection or engine."""
    return ENGINES[connectable.dialect.name]


def redacted(db: str) -> str:
    """The --db value safe to print: any password in a URL is masked."""
    if "://" not in db:
        return db
    try:
        return make_url(db).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"
