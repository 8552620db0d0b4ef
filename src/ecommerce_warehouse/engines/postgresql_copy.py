"""PostgreSQL's bulk load: rows streamed through ``COPY ... FROM STDIN`` with psycopg 3.

A bulk-insert SQL file whose PostgreSQL twin is ``copy <table> (<columns>) from stdin``
(``sql/ingest/insert_raw_transaction.postgresql.sql``) is fed by ``CopyRows``, in binary
format when the table's column types allow it. ``warehouse bench --postgres URL``
measures it against row inserts (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse.engines.base import BulkWriter
from ecommerce_warehouse.errors import NulCharacterError, SqlFileError

# sql/ingest/*.postgresql.sql bulk loads: copy <table> (<columns>) from stdin
COPY_FROM_STDIN = re.compile(
    r"copy\s+(?P<table>[a-z_][a-z0-9_]*)\s*\((?P<columns>[^)]*)\)\s*from\s+stdin\s*$",
    re.IGNORECASE | re.DOTALL,
)


def is_copy(statement: str) -> bool:
    """Is this statement ``copy <table> (<columns>) from stdin``?"""
    return COPY_FROM_STDIN.fullmatch(statement.strip()) is not None


class CopyRows(BulkWriter):
    """Stream rows into ``copy <table> (<columns>) from stdin`` with psycopg 3.

    The rows are tuples in the order of ``columns`` (as for BulkInsert); the file's
    column list may name them in another order. **One COPY for many chunks:** the first
    ``run`` opens the COPY and later ones write to the same one, until ``finish`` ends it
    (the next ``run`` opens another). So the server stores one chunk while the caller
    builds the next, instead of waiting for each chunk to arrive whole: the whole ingest
    of 100,000 lines took 1.05–1.15 s instead of 1.36–1.43 s (``warehouse bench
    --postgres``, medians; docs/BENCHMARKS.md). ``finish``
    before the connection runs anything else (PostgreSQL allows nothing else during a
    COPY); ``abort`` on an error, which ends the COPY with the error (the caller's
    transaction then rolls back).

    **Binary when it can.** In binary format the server skips its text input functions
    (timestamps and dates cost the most): about a sixth of its time on Bronze, and
    0.61 s against 0.69 s for 100,000 streamed rows. So when every column of the target
    table has a type listed in ``BINARY_TYPES``, the COPY is ``format binary``: text and
    integers go as they are, ISO-8601 timestamps and dates parsed into datetime/date
    here (``fromisoformat``, in C). A chunk holding a timestamp or date text that does
    not parse that way goes in a text-format COPY of its own, so the server reads it
    exactly as it would any text; ``binary=False`` forces text. Values are always dumped
    by psycopg, never formatted into SQL.

    PostgreSQL text cannot hold the NUL character (a JSON ``"\u0000"``), which SQLite
    stores: the server (binary) or psycopg (text) refuses it, and this raises
    ``NulCharacterError``, so the caller can refuse its input file as bad input (ingest
    names the record) instead of failing as a database error.
    """

    def __init__(self, connection: Connection, name: str, statement: str, columns: tuple[str, ...],
                 binary: bool = True):
        match = COPY_FROM_STDIN.fullmatch(statement.strip())
        if match is None:
            raise SqlFileError(f"{name}: expected copy <table> (<columns>) from stdin")
        listed = tuple(column.strip() for column in match["columns"].split(","))
        if set(listed) != set(columns) or len(listed) != len(columns):
            raise SqlFileError(f"{name}.postgresql.sql copies {sorted(listed)}, expected {sorted(columns)}")
        self.connection = connection
        self.statement = statement
        self.columns = columns
        self.index = None if listed == columns else [columns.index(column) for column in listed]
        self.format = "text"
        self._open = None           # (cursor, copy context, copy, format) of the COPY in progress
        if binary:
            oids = _column_types(connection, match["table"], listed)
            if oids is not None:
                self.format = "binary"
                self.oids = oids
                self.binary_statement = f"{statement.strip()} with (format binary)"
                # (position in the file's column order, parser) of each timestamp and date
                self.parsers = tuple((i, BINARY_TYPES[oid]) for i, oid in enumerate(oids)
                                     if BINARY_TYPES[oid] is not None)

    def run(self, rows: Sequence[tuple]) -> None:
        """Write the rows to the COPY in progress (opening one if none is)."""
        if not rows:
            return
        values = self._binary_values(rows) if self.format == "binary" else None
        if values is None:
            values = rows if self.index is None else [[row[i] for i in self.index] for row in rows]
            fmt = "text"
        else:
            fmt = "binary"
        if self._open is not None and self._open[3] != fmt:
            self.finish()
        try:
            copy = self._start(fmt)
            for row in values:
                copy.write_row(row)
        except BaseException as exc:
            self.abort(exc)
            translated = self._translated(exc)
            if translated is exc:
                raise
            raise translated from exc
        if fmt != self.format:      # a text chunk amid binary ones: a COPY of its own
            self.finish()

    def finish(self) -> None:
        """End the COPY in progress, if any: the server has then stored every row."""
        if self._open is None:
            return
        cursor, context, _copy, _fmt = self._open
        self._open = None
        try:
            context.__exit__(None, None, None)
        except Exception as exc:
            translated = self._translated(exc)
            if translated is exc:
                raise
            raise translated from exc
        finally:
            cursor.close()

    def abort(self, exc: BaseException) -> None:
        """End the COPY in progress with an error (the server discards it); never raises."""
        if self._open is None:
            return
        cursor, context, _copy, _fmt = self._open
        self._open = None
        try:
            context.__exit__(type(exc), exc, exc.__traceback__)
        except Exception:   # noqa: BLE001, S110 - the caller raises the original error
            pass
        finally:
            cursor.close()

    def _start(self, fmt: str):
        """The COPY in progress, or a new one (the caller aborts it if anything fails)."""
        if self._open is not None:
            return self._open[2]
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            context = cursor.copy(self.binary_statement if fmt == "binary" else self.statement)
            copy = context.__enter__()
        except BaseException:
            cursor.close()
            raise
        # open from here on: while it is, psycopg holds the connection's lock, so any
        # other statement (a rollback too) would wait for it forever; abort() ends it
        self._open = (cursor, context, copy, fmt)
        if fmt == "binary":
            copy.set_types(self.oids)
        return copy

    def _translated(self, exc: BaseException) -> BaseException:
        """A driver error as SQLAlchemy raises it from execute() (wrapped, so
        write_transaction's handling applies), or NulCharacterError for a NUL."""
        import psycopg

        if not isinstance(exc, psycopg.Error):
            return exc
        if _refuses_nul(exc):
            return NulCharacterError(
                "a value holds a NUL character (\\u0000), which PostgreSQL text cannot store")
        return DBAPIError.instance(self.statement, None, exc, psycopg.Error)

    def _binary_values(self, rows: Sequence[tuple]) -> list[list] | None:
        """The chunk's rows in the file's column order, with the text of each timestamp
        and date parsed; None if a text does not parse (the chunk then goes as text)."""
        index = self.index
        parsers = self.parsers
        values = []
        try:
            for row in rows:
                row = list(row) if index is None else [row[i] for i in index]
                for i, parse in parsers:
                    value = row[i]
                    if type(value) is str:
                        row[i] = parse(value)
                values.append(row)
        except (ValueError, OverflowError):
            return None
        return values


def _refuses_nul(exc) -> bool:
    """Is this error PostgreSQL (or psycopg) refusing a NUL character in text?

    Binary COPY: the server's 'invalid byte sequence for encoding "UTF8": 0x00' (SQLSTATE
    22021). Text COPY: psycopg's own "PostgreSQL text fields cannot contain NUL (0x00)
    bytes", raised before anything is sent. Only the primary message is read: a DETAIL or
    CONTEXT line may echo row data that happens to say 0x00.
    """
    diag = exc.diag
    if diag.sqlstate is not None:
        return diag.sqlstate == "22021" and (diag.message_primary or "").endswith(": 0x00")
    return str(exc).startswith("PostgreSQL text fields cannot contain NUL")


def _timestamptz(text: str) -> datetime:
    """An ISO-8601 timestamp with an offset (``...Z``) as an aware datetime; ValueError else."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:      # the server would read it in its session time zone
        raise ValueError(text)
    return moment


# Column types a COPY sends in binary, by type OID, with the parser that turns a value's
# ISO-8601 text into what psycopg dumps for the type (None: the value goes as it is).
# Bronze values are str, int or None; dumped in binary, a value of another Python type
# (a float for an integer, say) is refused by psycopg, where text format would have let
# the server try to read its text.
BINARY_TYPES = {
    25: None,                     # text
    1043: None,                   # varchar
    21: None,                     # smallint
    23: None,                     # integer
    20: None,                     # bigint
    1184: _timestamptz,           # timestamptz
    1082: date.fromisoformat,     # date
}


def _column_types(connection: Connection, table: str, columns: Sequence[str]) -> list[int] | None:
    """The type OIDs of ``columns`` of ``table`` (found on the search_path), in that order;
    None if the table is not found or a column's type is not in BINARY_TYPES."""
    found = dict(connection.execute(text(
        "select attribute.attname, attribute.atttypid::bigint"
        " from pg_catalog.pg_attribute as attribute"
        " where attribute.attrelid = to_regclass(:table)"
        " and attribute.attnum > 0 and not attribute.attisdropped"), {"table": table}).all())
    oids = [found.get(column) for column in columns]
    if any(oid not in BINARY_TYPES for oid in oids):
        return None
    return oids
