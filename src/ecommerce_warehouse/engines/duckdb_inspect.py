"""What ``warehouse docs`` reads of a DuckDB warehouse, from DuckDB's own catalog.

SQLAlchemy's inspector for the ``duckdb_engine`` dialect asks PostgreSQL's catalog
(``pg_collation`` and others), which DuckDB only partly imitates; this answers the same
questions (``get_table_names``, ``get_columns``, keys, …) from ``duckdb_tables()``,
``duckdb_views()``, ``duckdb_columns()`` and ``duckdb_constraints()``.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


class _Declared:
    """A column type as DuckDB names it (str() gives the name)."""

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return self.name


class DuckDBInspector:
    """The inspector methods ``read.docs_schema`` calls, for the main schema."""

    def __init__(self, connection: Connection):
        self.connection = connection

    def _names(self, sql: str) -> list[str]:
        return [name for (name,) in self.connection.execute(text(sql))]

    def get_table_names(self) -> list[str]:
        return self._names("select table_name from duckdb_tables()"
                           " where not temporary and schema_name = 'main' order by table_name")

    def get_view_names(self) -> list[str]:
        return self._names("select view_name from duckdb_views()"
                           " where not internal and not temporary and schema_name = 'main' order by view_name")

    def get_columns(self, name: str) -> list[dict]:
        found = self.connection.execute(text(
            "select column_name, data_type, is_nullable from duckdb_columns()"
            " where table_name = :name and schema_name = 'main' order by column_index"), {"name": name})
        return [{"name": column, "type": _Declared(kind), "nullable": bool(nullable)}
                for column, kind, nullable in found]

    def _constraints(self, name: str, kind: str) -> list[list[str]]:
        found = self.connection.execute(text(
            "select constraint_column_names from duckdb_constraints()"
            " where table_name = :name and schema_name = 'main' and constraint_type = :kind"
            " order by constraint_index"), {"name": name, "kind": kind})
        return [list(columns) for (columns,) in found]

    def get_pk_constraint(self, name: str) -> dict:
        keys = self._constraints(name, "PRIMARY KEY")
        return {"constrained_columns": keys[0] if keys else []}

    def get_foreign_keys(self, name: str) -> list[dict]:
        return []           # DuckDB warehouses declare none (see schema/*.duckdb.sql)

    def get_unique_constraints(self, name: str) -> list[dict]:
        return [{"column_names": columns} for columns in self._constraints(name, "UNIQUE")]

    def get_indexes(self, name: str) -> list[dict]:
        return []           # unique keys are constraints above; no other index is unique
