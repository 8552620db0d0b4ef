"""Create a warehouse, or bring an existing one up to this release's schema.

A warehouse records its schema version in ``etl_schema_versions`` (release 0.1.0 had no
such table: its warehouses are version 1). ``prepare`` runs when a command opens the
warehouse for a run, under the run lock, in one write transaction:

- a new warehouse: every table of the core and of every input kind, then version
  ``VERSION`` is recorded;
- an older one: the numbered migrations after its version (``MIGRATIONS``, SQL files in
  ``sql/migrations/``, in order), each recorded; then the table files again, which create
  what a newly declared input kind adds and leave the rest alone (``if not exists``);
- a newer one (made by a later release) is refused, saying which version it is;
- then every view whose SQL file (as this engine runs it) has changed since the view was
  created, or that is missing, is replaced: all the views, dropped in reverse order and
  created again in order (a view may read the views before it). ``etl_views`` remembers
  the sha256 each was created from, so an unchanged view is never touched.

A failure anywhere rolls all of it back: the warehouse stays as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from ecommerce_warehouse import __version__, sources, sqlfiles
from ecommerce_warehouse.db import query_sql, run_sql, utc_now, write_transaction
from ecommerce_warehouse.errors import DatabaseError
from ecommerce_warehouse.model import core


@dataclass(frozen=True)
class Migration:
    version: int            # the schema version the warehouse is at after it
    name: str               # sql/migrations/<name>.sql (and its engine twins)

    @property
    def file(self) -> str:
        return f"migrations/{self.name}"


# Every schema change since release 0.1.0 (version 1), in order; never edited once released.
MIGRATIONS = (
    Migration(2, "0002_sources"),
    Migration(3, "0003_changes"),
    Migration(4, "0004_change_schemas"),
    Migration(5, "0005_change_identity"),
)
VERSION = MIGRATIONS[-1].version       # the schema version of this release
FIRST_VERSION = 1                      # release 0.1.0's, which recorded none
# Tables the upgrade itself writes to: created before any migration runs.
BOOKKEEPING = ("schema/etl_schema_versions", "schema/etl_views")


class NewerWarehouseError(DatabaseError):
    """The warehouse was made or upgraded by a later release than this one."""


class OlderWarehouseError(DatabaseError):
    """A read-only command met a warehouse that a loading command has not upgraded yet."""


@dataclass
class SchemaReport:
    """What ``prepare`` did: the version before (None: a new warehouse) and after."""

    before: int | None
    after: int
    migrations: list[str] = field(default_factory=list)
    views_replaced: list[str] = field(default_factory=list)

    @property
    def upgraded(self) -> bool:
        return self.before is not None and self.before < self.after

    def as_dict(self) -> dict:
        return {"version_before": self.before, "version": self.after,
                "migrations": self.migrations, "views_replaced": self.views_replaced}


def table_files() -> list[str]:
    """Every table and index file: the core's, then each input kind's."""
    return [*core.SCHEMA, *(name for source in sources.SOURCES for name in source.schema)]


def view_files() -> list[str]:
    """Every view file, each after the views it reads."""
    return [name for source in sources.SOURCES for name in source.views]


def prepare(engine: Engine, create: bool = True, shown: str = "the database") -> SchemaReport:
    """Create the warehouse or upgrade it to ``VERSION``, and replace changed views.

    Without ``create`` (commands that do not load data), a database that holds no
    warehouse yet is refused (DatabaseError naming ``shown``) and left as it was.
    """
    with write_transaction(engine) as connection:
        before = version_of(connection)
        report = SchemaReport(before, VERSION)
        if before is None and not create:
            raise DatabaseError(f"no warehouse at {shown}: it holds no warehouse tables "
                                "(build one with `warehouse run`)")
        if before is not None and before > VERSION:
            raise newer_error(before)
        if before is None:
            create_tables(connection, table_files())
            record_version(connection, VERSION, "created")
        else:
            create_tables(connection, BOOKKEEPING)
            for migration in MIGRATIONS:
                if migration.version > before:
                    run_sql(connection, migration.file, {"now": utc_now()})
                    record_version(connection, migration.version, migration.name)
                    report.migrations.append(migration.name)
            create_tables(connection, table_files())
        report.views_replaced = replace_changed_views(connection)
    return report


def create_tables(connection: Connection, names) -> None:
    """Run table files (each says ``create table if not exists``, so an existing table stays)."""
    params = {"now": utc_now()}
    for name in names:
        run_sql(connection, name, params)


def create_views(connection: Connection, names) -> None:
    """Create views (each after the views it reads) and note the definition of each."""
    dialect = connection.dialect.name
    now = utc_now()
    for name in names:
        run_sql(connection, name)
        run_sql(connection, "upgrade/record_view", {
            "view_name": name.rsplit("/", 1)[-1], "sha256": view_digest(name, dialect), "created_at": now})


ensure_schema = prepare


def version_of(connection: Connection) -> int | None:
    """The warehouse's schema version; None when it holds no warehouse yet."""
    tables = set(inspect(connection).get_table_names())
    if "etl_schema_versions" in tables:
        found = query_sql(connection, "upgrade/schema_version").scalar_one()
        if found is not None:
            return int(found)
    return FIRST_VERSION if "etl_runs" in tables else None


def record_version(connection: Connection, version: int, name: str) -> None:
    run_sql(connection, "upgrade/record_schema_version", {
        "version": version, "name": name, "release": __version__, "applied_at": utc_now()})


def newer_error(version: int) -> NewerWarehouseError:
    return NewerWarehouseError(
        f"this warehouse has schema version {version}, newer than this release of "
        f"ecommerce-warehouse ({__version__}) understands (version {VERSION}): it needs a "
        f"release that supports schema version {version}; upgrade the package "
        "(pip install --upgrade ecommerce-warehouse) and run the command again")


def check_readable(connection: Connection) -> None:
    """For commands that only read: refuse a warehouse of another schema version."""
    found = version_of(connection)
    if found is not None and found > VERSION:
        raise newer_error(found)
    if found is not None and found < VERSION:
        raise OlderWarehouseError(
            f"this warehouse has schema version {found}, older than this release's "
            f"({VERSION}): run `warehouse upgrade` (or any loading command) with the same "
            "--db to upgrade it in place, then try again")


def view_digest(name: str, dialect: str) -> str:
    """The sha256 of a view's statements as this engine runs them (comments left out)."""
    body = "\n;\n".join(sqlfiles.statements(name, dialect))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def replace_changed_views(connection: Connection) -> list[str]:
    """Replace every view when one is missing or its file changed; return those that
    were missing or changed (empty when nothing had to change)."""
    dialect = connection.dialect.name
    wanted = [(name, name.rsplit("/", 1)[-1], view_digest(name, dialect)) for name in view_files()]
    recorded = dict(query_sql(connection, "upgrade/recorded_views").all())
    existing = set(inspect(connection).get_view_names())
    stale = [view for _name, view, digest in wanted
             if view not in existing or recorded.get(view) != digest]
    if not stale:
        return []
    quote = connection.dialect.identifier_preparer.quote
    current = None
    try:
        for _name, view, _digest in reversed(wanted):
            if view in existing:
                current = view
                # an identifier from the project's own view list, quoted; no value
                connection.execute(text(f"drop view if exists {quote(view)}"))
        for name, view, _digest in wanted:
            current = view
            create_views(connection, [name])
    except OperationalError:
        raise           # busy, or the database failing: write_transaction says which
    except DBAPIError as exc:
        detail = " ".join(str(exc.orig).split()) if exc.orig is not None else str(exc)
        raise DatabaseError(
            f"cannot replace the view {current} with this release's definition: {detail} "
            "(a view of your own that reads it must be dropped first, then made again)") from exc
    return stale
