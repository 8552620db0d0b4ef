"""Which tables ``warehouse export`` writes, and the exact type each column gets.

The tables come from the declarations, never from a list here: the conformed dimensions
(``model.core.DIMENSIONS``), then each input kind's tables named ``dim_*`` and ``fact_*``
and views named ``gold_*`` (``sources.SOURCES``), so a new kind's star is exported with no
change to this module. A fact with a ``date_key`` is written in Hive partitions by the
year and month of that date.

A column's type comes from the portable schema (the one the SQL files create, as
``warehouse docs`` reads it: declared types, and ``[objects.NAME.types]`` of
sql/descriptions.toml for a view's computed columns), so every engine exports the same
types, by these rules:

- an integer column is ``int64`` (every ``*_cents`` column is one);
- a real column is ``float64``, except an amount shown in units beside its exact cents
  (``net_revenue`` next to ``net_revenue_cents``): ``decimal(18,2)``, exact;
- a text column named ``*_at`` or ``*_timestamp`` (or an SCD type 2 version's
  ``valid_from`` / ``valid_to``) is a UTC timestamp (microseconds), one named ``*_date`` a
  date; other text is a string.

tests/test_export.py checks the rules against the types PostgreSQL declares.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ecommerce_warehouse import sources
from ecommerce_warehouse.model import core
from ecommerce_warehouse.read import docs_schema

# the logical types of the export (Arrow's names; the manifest and docs/EXPORT.md use them)
INT64 = "int64"
FLOAT64 = "float64"
MONEY = "decimal(18,2)"
TIMESTAMP = "timestamp[us, tz=UTC]"
DATE = "date32"
STRING = "string"

# the column whose date places a fact's rows in partitions year=YYYY/month=M
PARTITION_KEY = "date_key"
PARTITIONS = ("year", "month")

KINDS = ("dimension", "fact", "gold")
PREFIXES = {"dim_": "dimension", "fact_": "fact", "gold_": "gold"}


@dataclass(frozen=True)
class ExportColumn:
    name: str
    type: str            # one of the logical types above


@dataclass(frozen=True)
class ExportTable:
    name: str
    kind: str                              # 'dimension', 'fact' or 'gold'
    columns: tuple[ExportColumn, ...]

    @property
    def partitioned(self) -> bool:
        """A fact with a date_key is written in year/month partitions."""
        return self.kind == "fact" and any(c.name == PARTITION_KEY for c in self.columns)

    @property
    def cents_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.name.endswith("_cents"))


def logical_type(name: str, declared: str, siblings: set[str]) -> str:
    """The export type of column ``name`` declared ``declared`` (SQLite's words) in a table
    whose columns are ``siblings``."""
    declared = declared.upper()
    if "INT" in declared:
        return INT64
    if any(word in declared for word in ("REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL")):
        return MONEY if f"{name}_cents" in siblings else FLOAT64
    if name.endswith(("_at", "_timestamp")) or name in ("valid_from", "valid_to"):
        return TIMESTAMP
    if name.endswith("_date"):
        return DATE
    return STRING


def declared_names() -> list[tuple[str, str]]:
    """(name, kind) of every object the declarations name as a dimension, fact or Gold
    view, dimensions first, then facts, then Gold, each in declaration order."""
    found: dict[str, str] = {name: "dimension" for name in core.DIMENSIONS}
    for source in sources.SOURCES:
        for file in (*source.schema, *source.views):
            name = file.rsplit("/", 1)[-1]
            kind = next((kind for prefix, kind in PREFIXES.items() if name.startswith(prefix)), None)
            if kind is not None:
                found.setdefault(name, kind)
    return sorted(found.items(), key=lambda item: KINDS.index(item[1]))


@functools.cache
def exported_tables() -> tuple[ExportTable, ...]:
    """Every table and view an export writes, with its columns' types."""
    schema = docs_schema.live_schema()
    descriptions = docs_schema.load_descriptions()
    tables = []
    for name, kind in declared_names():
        item = schema.get(name)
        if item is None or (kind != "gold") != (item.kind == "table"):
            continue        # an index file (fact_orders_indexes), or not what its name says
        siblings = {column.name for column in item.columns}
        columns = tuple(
            ExportColumn(column.name,
                         logical_type(column.name, docs_schema.column_type(item, column, descriptions), siblings))
            for column in item.columns)
        tables.append(ExportTable(name, kind, columns))
    return tuple(tables)


def chosen(names: tuple[str, ...] | list[str] | None) -> list[ExportTable]:
    """The tables named (all of them if none), in export order; ValueError naming any
    name that is not an exported table, with the list of those that are."""
    every = exported_tables()
    if not names:
        return list(every)
    known = {table.name: table for table in every}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"no exported table called {', '.join(unknown)}; the tables are "
                         + ", ".join(known))
    wanted = set(names)
    return [table for table in every if table.name in wanted]
