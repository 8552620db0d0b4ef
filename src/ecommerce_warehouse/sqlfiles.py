"""Read the project's SQL files: their statements, their engine twins and their headers.

Every SQL object lives in its own file under ``sql/``, which ships inside the package
(``ecommerce_warehouse/sql``, read with ``importlib.resources``, so an installed wheel
runs from any folder). The order files run in is written down by the declarations that
name them (``model/core.py``, ``sources/<kind>/``), never found by globbing.

A file may have a twin for one engine beside its portable version, named
``<name>.<engine>.sql`` (for example ``transform/dim_date.sqlite.sql``); when it exists
for the engine in use it is preferred over ``<name>.sql``.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from ecommerce_warehouse.errors import SqlFileError

SQL_ROOT: Traversable = resources.files("ecommerce_warehouse") / "sql"


def sql_file(name: str, engine: str) -> Traversable:
    """The file for ``name`` on ``engine``: its twin if there is one, else the portable one."""
    twin = SQL_ROOT.joinpath(f"{name}.{engine}.sql")
    if twin.is_file():
        return twin
    return SQL_ROOT.joinpath(f"{name}.sql")


def shown_path(name: str, engine: str) -> str:
    """The file as a person finds it in the project: ``sql/<name>[.<engine>].sql``."""
    folder = name.rpartition("/")[0]
    return "/".join(part for part in ("sql", folder, sql_file(name, engine).name) if part)


def read_text(name: str, engine: str) -> str:
    file = sql_file(name, engine)
    try:
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        raise SqlFileError(f"cannot read SQL file {shown_path(name, engine)}: {exc.strerror}") from exc


@cache
def statements(name: str, engine: str) -> tuple[str, ...]:
    """The statements of one SQL file, in order, without their trailing semicolons."""
    found = split_statements(read_text(name, engine))
    if not found:
        raise SqlFileError(f"SQL file {shown_path(name, engine)} holds no statement")
    return found


def header_value(name: str, engine: str, key: str) -> str | None:
    """The value of a ``-- key: value`` line in a SQL file's opening comment, if any."""
    for line in read_text(name, engine).splitlines():
        if not line.startswith("--"):
            return None
        label, _, value = line[2:].strip().partition(":")
        if label.strip().lower() == key and value.strip():
            return value.strip()
    return None


def split_statements(text: str) -> tuple[str, ...]:
    """Split SQL text on the semicolons that end statements (not those in strings or comments)."""
    found = []
    pending = ""
    for line in text.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending)
            pending = ""
    if pending.strip():
        found.append(pending)
    cleaned = (_strip_comments_and_semicolon(s) for s in found)
    return tuple(s for s in cleaned if s)


def _strip_comments_and_semicolon(statement: str) -> str:
    lines = [line for line in statement.splitlines() if not line.lstrip().startswith("--")]
    body = "\n".join(lines).strip()
    return body[:-1].rstrip() if body.endswith(";") else body
