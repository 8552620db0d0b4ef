"""Find and read the project's SQL files, and the order they run in.

Every SQL object lives in its own file under ``sql/``. The order in which the files run
is written down once, here, in the manifests below (never discovered by globbing).

A file may exist in a per-dialect variant beside its portable twin, named
``<name>.<dialect>.sql`` (for example ``transform/dim_date.sqlite.sql``); when it
exists for the engine in use it is preferred over ``<name>.sql``.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from ecommerce_warehouse.errors import SqlFileError

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"

# Tables and indexes, in dependency order (a table before the tables that reference it).
SCHEMA = (
    "schema/etl_runs",
    "schema/etl_run_steps",
    "schema/etl_files",
    "schema/raw_transactions",
    "schema/rejected_transactions",
    "schema/dim_users",
    "schema/dim_products",
    "schema/dim_date",
    "schema/fact_orders",
    "schema/fact_orders_indexes",
    "schema/dq_check_results",
    "schema/dim_unknown_members",
)

# Views, each after the views it reads.
VIEWS = (
    "silver/silver_transactions",
    "silver/silver_users_latest",
    "silver/silver_products_latest",
    "gold/gold_daily_sales",
    "gold/gold_top_products",
    "gold/gold_category_sales_monthly",
    "gold/gold_customer_lifetime_value",
    "gold/gold_monthly_cohort_retention",
    "gold/gold_order_status",
)

# The transform: dimensions first (the fact looks their keys up), then the fact.
TRANSFORM = (
    "transform/dim_users",
    "transform/dim_products",
    "transform/dim_date",
    "transform/fact_orders",
)


# Quality checks: each returns its failing rows; the header gives its severity.
CHECKS = (
    "checks/dim_users_keys",
    "checks/dim_products_keys",
    "checks/dim_date_keys",
    "checks/fact_orders_keys",
    "checks/fact_orders_foreign_keys",
    "checks/fact_orders_status_values",
    "checks/fact_orders_money_non_negative",
    "checks/fact_orders_total_amount",
    "checks/raw_transactions_one_loaded_copy",
    "checks/etl_files_counts_reconcile",
    "checks/silver_fact_reconcile",
    "checks/daily_volume_anomaly",
    "checks/fact_orders_freshness",
)


def sql_path(name: str, dialect: str) -> Path:
    """The file for ``name`` on ``dialect``: the dialect variant if present, else the portable one."""
    variant = SQL_DIR / f"{name}.{dialect}.sql"
    if variant.is_file():
        return variant
    return SQL_DIR / f"{name}.sql"


@cache
def statements(name: str, dialect: str) -> tuple[str, ...]:
    """The statements of one SQL file, in order, without their trailing semicolons."""
    path = sql_path(name, dialect)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SqlFileError(f"cannot read SQL file {path}: {exc.strerror}") from exc
    found = split_statements(text)
    if not found:
        raise SqlFileError(f"SQL file {path} holds no statement")
    return found


def header_value(name: str, dialect: str, key: str) -> str | None:
    """The value of a ``-- key: value`` line in a SQL file's opening comment, if any."""
    for line in sql_path(name, dialect).read_text(encoding="utf-8").splitlines():
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
