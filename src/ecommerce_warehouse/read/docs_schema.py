"""What ``warehouse docs`` documents, read from its sources, and the check that they agree.

Names, types and keys come from the live schema, read with SQLAlchemy's inspector: by
default the schema the SQL files create (built by ``schema.prepare`` in a temporary
SQLite file), or an existing warehouse opened read-only. Each object's grain comes from
the header of the SQL file that creates it (the one place a grain is written), what each
view reads from its ``reads:`` header line; the words (description, the meaning of each
column) from sql/descriptions.toml; the example queries from sql/examples/.
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse import engines, sqlfiles
from ecommerce_warehouse.db import open_engine, open_read_only, redacted
from ecommerce_warehouse.errors import WarehouseError
from ecommerce_warehouse.model.schema import check_readable, prepare, table_files, view_files

DESCRIPTIONS = sqlfiles.SQL_ROOT / "descriptions.toml"
EXAMPLES_DIR = sqlfiles.SQL_ROOT / "examples"
GRAIN = re.compile(r"\(grain: ([^)]*)\)")


class DocsError(WarehouseError):
    """The descriptions file is missing, malformed or out of step with the schema."""


# --- the live schema -------------------------------------------------------------------

@dataclass
class Column:
    name: str
    type: str              # as declared; '' when SQLite declares none (a view's expression)
    nullable: bool


@dataclass
class DbObject:
    """One table or view as the inspector sees it."""

    name: str
    kind: str                                   # 'table' or 'view'
    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict] = field(default_factory=list)     # column, table, referred_column
    unique: list[str] = field(default_factory=list)            # "`a`, `b`" or "`a` (where ...)"

    def fk_of(self, column: str) -> dict | None:
        return next((fk for fk in self.foreign_keys if fk["column"] == column), None)


def live_schema(db: str | None = None) -> dict[str, DbObject]:
    """Every table and view, by name: of ``db`` (read-only), or of a schema built afresh."""
    if db is not None:
        engine = open_read_only(db)
        try:
            with engine.connect() as connection:
                check_readable(connection)
            return inspect_engine(engine)
        except DBAPIError as exc:
            detail = " ".join(str(exc.orig).split()) if exc.orig is not None else str(exc)
            raise DocsError(f"cannot read the schema of {redacted(db)}: {detail}") from exc
        finally:
            engine.dispose()
    with tempfile.TemporaryDirectory(prefix="warehouse-docs-") as folder:
        engine = open_engine(str(Path(folder) / "schema.db"))
        try:
            prepare(engine)
            return inspect_engine(engine)
        finally:
            engine.dispose()


def inspect_engine(engine) -> dict[str, DbObject]:
    with engine.connect() as connection:
        inspector = engines.of(connection).inspector(connection)
        found: dict[str, DbObject] = {}
        for kind, names in (("table", inspector.get_table_names()),
                            ("view", inspector.get_view_names())):
            for name in sorted(names):
                found[name] = describe_object(inspector, name, kind)
        return found


def describe_object(inspector, name: str, kind: str) -> DbObject:
    item = DbObject(name, kind)
    for column in inspector.get_columns(name):
        declared = "" if column["type"].__class__.__name__ == "NullType" else str(column["type"])
        item.columns.append(Column(column["name"], declared.upper(), bool(column.get("nullable", True))))
    if kind == "view":
        return item
    item.primary_key = list(inspector.get_pk_constraint(name).get("constrained_columns") or [])
    for fk in inspector.get_foreign_keys(name):
        for own, referred in zip(fk["constrained_columns"], fk["referred_columns"]):
            item.foreign_keys.append({"column": own, "table": fk["referred_table"],
                                      "referred_column": referred})
    item.foreign_keys.sort(key=lambda fk: [c.name for c in item.columns].index(fk["column"]))
    for unique in inspector.get_unique_constraints(name):
        item.unique.append(", ".join(f"`{c}`" for c in unique["column_names"]))
    for index in inspector.get_indexes(name):
        if index.get("unique"):
            where = index.get("dialect_options", {}).get("sqlite_where")
            text = ", ".join(f"`{c}`" for c in index["column_names"])
            if where is not None:
                text += f" (among rows where {' '.join(str(where).split())})"
            item.unique.append(text)
    return item


# --- the descriptions ------------------------------------------------------------------

def load_descriptions(path=DESCRIPTIONS) -> dict:
    try:
        with path.open("rb") as handle:
            found = tomllib.load(handle)
    except OSError as exc:
        raise DocsError(f"cannot read the descriptions file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DocsError(f"{path} is not valid TOML: {exc}") from exc
    for key in ("warehouse", "layers", "objects"):
        if not isinstance(found.get(key), dict):
            raise DocsError(f"{path}: no [{key}] table")
    return found


def problems(schema: dict[str, DbObject], descriptions: dict, own_schema: bool = True) -> list[str]:
    """What the descriptions miss or describe in vain; empty when they match the schema.

    ``own_schema``: the schema is the project's own (built afresh), so a type given for a
    column the schema already types is a stale entry. A warehouse read with --db may be
    on an engine that types every view column (DuckDB), where that says nothing."""
    found = []
    objects = descriptions["objects"]
    layers = descriptions["layers"]
    for name, item in schema.items():
        entry = objects.get(name)
        if entry is None:
            found.append(f"{item.kind} {name} has no [objects.{name}]")
            continue
        for key in ("layer", "description"):
            if not entry.get(key):
                found.append(f"{name} has no {key}")
        if not grain_of(name):
            found.append(f"{name}: the header of the SQL file that creates it states no (grain: ...)")
        if entry.get("layer") and entry["layer"] not in layers:
            found.append(f"{name}: layer {entry['layer']!r} is not one of [layers]")
        meanings = entry.get("columns", {})
        types = entry.get("types", {})
        for column in item.columns:
            if not meanings.get(column.name):
                found.append(f"column {name}.{column.name} has no description")
            if not column.type and not types.get(column.name):
                found.append(f"column {name}.{column.name} has no declared type and none in "
                             f"[objects.{name}.types]")
        names = {c.name for c in item.columns}
        for extra in sorted(set(meanings) - names):
            found.append(f"[objects.{name}.columns] describes {extra}, which {name} does not have")
        typed = {c.name for c in item.columns if c.type} if own_schema else set()
        for extra in sorted(set(types) - (names - typed)):
            found.append(f"[objects.{name}.types] gives a type for {extra}, which is not a "
                         f"computed column of {name}")
    for extra in objects:
        if extra not in schema:
            found.append(f"[objects.{extra}] describes a table or view the schema does not have")
    return found


def checked(schema: dict[str, DbObject], descriptions: dict, own_schema: bool = True) -> None:
    found = problems(schema, descriptions, own_schema)
    if found:
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        raise DocsError(f"{DESCRIPTIONS.name} does not match the schema: "
                        + "; ".join(found[:3]) + more)


def ordered(schema: dict[str, DbObject], descriptions: dict) -> list[tuple[str, list[DbObject]]]:
    """(layer key, objects) in the order of the descriptions file."""
    by_layer: dict[str, list[DbObject]] = {key: [] for key in descriptions["layers"]}
    for name, entry in descriptions["objects"].items():
        if name in schema:
            by_layer[entry["layer"]].append(schema[name])
    return [(layer, items) for layer, items in by_layer.items() if items]


def column_type(item: DbObject, column: Column, descriptions: dict) -> str:
    if column.type:
        return column.type
    return descriptions["objects"][item.name].get("types", {}).get(column.name, "").upper()


def object_files() -> dict[str, str]:
    """The SQL file that creates each table and view, by object name (one object per file)."""
    return {name.rsplit("/", 1)[-1]: name for name in (*table_files(), *view_files())}


def grain_of(name: str) -> str | None:
    """The grain the header of the object's SQL file states (its "(grain: ...)"), if any."""
    file = object_files().get(name)
    if file is None:
        return None
    header = []
    for line in sqlfiles.read_text(file, engines.DEFAULT.name).splitlines():
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    match = GRAIN.search(" ".join(header))
    return " ".join(match.group(1).split()) if match else None


def view_reads(schema: dict[str, DbObject]) -> dict[str, list[str]]:
    """For each view, the tables and views its SQL file's header says it reads."""
    reads = {}
    for name in view_files():
        view = name.split("/")[-1]
        if view not in schema:
            continue
        header = sqlfiles.header_value(name, engines.DEFAULT.name, "reads") or ""
        words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", header)
        reads[view] = [w for w in dict.fromkeys(words) if w in schema and w != view]
    return reads


# --- the example queries ------------------------------------------------------------------

@dataclass
class ExampleQuery:
    name: str
    title: str
    description: str
    sql: str


def example_queries(folder=EXAMPLES_DIR) -> list[ExampleQuery]:
    """sql/examples/*.sql: the title from the header's "Question:", the rest of the header as
    the description."""
    found = []
    for path in sorted((p for p in folder.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name):
        text = path.read_text(encoding="utf-8")
        header = []
        for line in text.splitlines():
            if not line.startswith("--"):
                break
            header.append(line[2:].strip())
        question = next((line.split(":", 1)[1].strip() for line in header
                         if line.lower().startswith("question:")), path.stem.replace("_", " "))
        rest = [line for line in header if not line.lower().startswith("question:")]
        title = question[:1].upper() + question[1:]
        found.append(ExampleQuery(path.name.removesuffix(".sql"), title, " ".join(" ".join(rest).split()), text))
    return found

