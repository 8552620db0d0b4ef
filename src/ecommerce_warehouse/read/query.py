"""Run the user's own SQL against the warehouse, read-only, and format the answer.

``warehouse query`` hands a person's ad-hoc SQL to the engine's read-only path
(``WarehouseEngine.run_query``): on SQLite a read-only file, ``query_only`` and an
authorizer (``engines.sqlite_read``), each enough on its own to stop a write; on
PostgreSQL a session whose every transaction is read-only, made so before the SQL runs
(the server's own privileges still apply: on a shared server point ``--db`` at a role
that may only read, see README).

The user's SQL runs exactly as given; ``--param`` values are bound as parameters, never
written into the SQL text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ecommerce_warehouse import engines
from ecommerce_warehouse.errors import QueryError
from ecommerce_warehouse.sqlfiles import split_statements

DEFAULT_LIMIT = 1000
FORMATS = ("table", "csv", "json", "markdown")


@dataclass
class QueryResult:
    """The rows a query returned (at most ``limit``) and whether more were cut off."""

    columns: list[str]
    rows: list[tuple]
    truncated: bool = False
    limit: int | None = None


# --- running a query ----------------------------------------------------------------------

PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PARAM_TYPES: dict[str, Callable[[str], object]] = {"text": str, "int": int, "real": float}
INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+")


def parse_params(pairs: Iterable[str]) -> dict[str, object]:
    """``name=value`` pairs (``name:type=value`` to force a type) as parameters to bind.

    Without a type, a plain integer (no leading zero) binds as an integer, a plain
    decimal as a real, anything else as text; types are text, int and real.
    """
    params: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        name, _, kind = key.partition(":")
        if not sep or not PARAM_NAME.fullmatch(name):
            raise QueryError(f"--param {pair!r}: expected NAME=VALUE (NAME a letter or _ then "
                             "letters, digits or _; use it in the SQL as :NAME)")
        if name in params:
            raise QueryError(f"--param {name} is given twice")
        if kind:
            if kind not in PARAM_TYPES:
                raise QueryError(f"--param {pair!r}: unknown type {kind!r} "
                                 f"(use one of {', '.join(PARAM_TYPES)})")
            try:
                params[name] = PARAM_TYPES[kind](value)
            except ValueError as exc:
                raise QueryError(f"--param {pair!r}: {value!r} is not {kind}") from exc
        elif INTEGER.fullmatch(value):
            params[name] = int(value)
        elif DECIMAL.fullmatch(value):
            params[name] = float(value)
        else:
            params[name] = value
    return params


def single_statement(sql: str) -> str:
    """The SQL, checked to hold exactly one statement (comments are fine)."""
    found = split_statements(sql)
    if not found:
        raise QueryError("no SQL statement given")
    if len(found) > 1:
        raise QueryError(f"give one statement at a time; found {len(found)}")
    return sql



def run_query(db: str, sql: str, params: Mapping[str, object] | None = None,
              limit: int | None = DEFAULT_LIMIT) -> QueryResult:
    """Run one read-only statement; return at most ``limit`` rows (None or 0: all)."""
    single_statement(sql)
    columns, rows, truncated = engines.for_db(db).run_query(db, sql, params or {}, limit or None)
    return QueryResult(columns, rows, truncated, limit or None)



def render(result: QueryResult, output_format: str) -> str:
    """The result as text in one of FORMATS (without a trailing newline)."""
    if output_format == "csv":
        return render_csv(result.columns, result.rows)
    if output_format == "json":
        return render_json(result.columns, result.rows)
    if output_format == "markdown":
        return render_markdown(result.columns, result.rows)
    table = render_table(result.columns, result.rows)
    count = len(result.rows)
    footer = f"({count} row{'' if count == 1 else 's'}{', cut' if result.truncated else ''})"
    return f"{table}\n{footer}" if result.columns else footer


def display(value, null: str = "NULL") -> str:
    """A value as a person reads it in a table: NULL shown, floats without noise."""
    if value is None:
        return null
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, bytes):
        return "x'" + value.hex() + "'"
    return str(value).replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def numeric_columns(columns: Sequence[str], rows: Sequence[Sequence]) -> list[bool]:
    """Per column: every non-null value is a number (such columns are right-aligned)."""
    numeric = []
    for index in range(len(columns)):
        values = [row[index] for row in rows if row[index] is not None]
        numeric.append(bool(values) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values))
    return numeric


def render_table(columns: Sequence[str], rows: Sequence[Sequence], null: str = "NULL") -> str:
    """An aligned text table: header, a rule, then one line per row (NULL shown as ``null``)."""
    cells = [[display(value, null) for value in row] for row in rows]
    header = [display(name) for name in columns]
    widths = [max([len(header[i])] + [len(row[i]) for row in cells]) for i in range(len(columns))]
    numeric = numeric_columns(columns, rows)

    def line(values: Sequence[str], align_numbers: bool) -> str:
        padded = [value.rjust(width) if align_numbers and is_number else value.ljust(width)
                  for value, width, is_number in zip(values, widths, numeric)]
        return "  ".join(padded).rstrip()

    lines = [line(header, True), "  ".join("-" * width for width in widths)]
    lines.extend(line(row, True) for row in cells)
    return "\n".join(lines)


def render_markdown(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    def cell(value) -> str:
        return display(value).replace("|", "\\|").replace("\\n", "<br>")

    numeric = numeric_columns(columns, rows)
    lines = ["| " + " | ".join(cell(name) for name in columns) + " |",
             "| " + " | ".join("---:" if is_number else "---" for is_number in numeric) + " |"]
    lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)
    return "\n".join(lines)


def plain(value):
    """A value for CSV and JSON: bytes as hex text, everything else as it is."""
    return value.hex() if isinstance(value, bytes) else value


def render_csv(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([plain(value) for value in row] for row in rows)
    return buffer.getvalue().rstrip("\n")


def unique_names(columns: Sequence[str]) -> list[str]:
    """Column names made unique for JSON keys: a repeated name gets _2, _3, ..."""
    names: list[str] = []
    for name in columns:
        candidate, number = name, 1
        while candidate in names:
            number += 1
            candidate = f"{name}_{number}"
        names.append(candidate)
    return names


def render_json(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A JSON array with one object per row, keyed by column name."""
    names = unique_names(columns)
    return json.dumps([dict(zip(names, (plain(v) for v in row))) for row in rows], indent=2)


def truncation_notice(result: QueryResult) -> str:
    return (f"warehouse query: showing the first {result.limit:,} rows; the query returned more "
            "(raise --limit, or --limit 0 for every row)")
