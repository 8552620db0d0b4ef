"""The DuckDB connection as SQLAlchemy holds it: duckdb_engine's wrapper, binding a
statement's parameters without importing pandas.

DuckDB's Python module imports pandas, if it is installed (the ``[dashboard]`` and
``[export]`` extras bring it), the first time it binds a parameter that is not None: it
checks every value against pandas' missing-value markers. That import alone took a
command's peak RSS from about 90 to 175 MB (pandas pulls pyarrow in too; measured), half
of what a whole ingest should need. A value cannot be a pandas object while pandas is not
imported, so while it is not, each statement is executed with ``pandas`` marked absent
(``sys.modules["pandas"] = None``, which makes ``import pandas`` fail, as if it were not
installed), and the mark is removed afterwards. A process that has imported pandas (the
dashboard) binds as DuckDB does by itself.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb_engine


@contextmanager
def pandas_not_imported() -> Iterator[None]:
    """Run the block with ``import pandas`` failing, unless pandas is already imported."""
    if "pandas" in sys.modules:
        yield
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if "pandas" in sys.modules and sys.modules["pandas"] is None:
            del sys.modules["pandas"]


class Cursor(duckdb_engine.CursorWrapper):
    def execute(self, statement, parameters=None, context=None) -> None:
        with pandas_not_imported():
            super().execute(statement, parameters, context)

    def executemany(self, statement, parameters=None, context=None) -> None:
        with pandas_not_imported():
            super().executemany(statement, parameters, context)


class Connection(duckdb_engine.ConnectionWrapper):
    def cursor(self) -> Cursor:
        return Cursor(self._ConnectionWrapper__c, self)
