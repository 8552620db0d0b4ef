"""Shared fixtures: a warehouse in tmp_path, generated batches, and a CLI runner.

Depth: the property and fault suites run at a quick depth by default (``make test``), and
at full depth with ``WAREHOUSE_TEST_DEPTH=deep`` (``.ci/run`` runs them so as well):
``depth(quick, deep)`` gives the number of examples, kills, ... for the depth in force.
Every assertion is the same at both depths; only how many cases are tried differs.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecommerce_warehouse.generate import transactions as generator
from ecommerce_warehouse.model import checks, schema
from ecommerce_warehouse.pipeline import PipelineOptions, run_pipeline
from ecommerce_warehouse.sources.transactions import SOURCE as TRANSACTIONS

DEEP = os.environ.get("WAREHOUSE_TEST_DEPTH", "quick") == "deep"


def depth(quick: int, deep: int) -> int:
    """How many cases a property or fault test tries: ``deep`` with WAREHOUSE_TEST_DEPTH=deep."""
    return deep if DEEP else quick


# The project's sql/ folder, as a student opens it (the package reads the same files).
SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
# What the declarations run, by file name: every check, every view, the order-line transform.
CHECK_FILES = tuple(job.name for job in checks.every_check())
VIEW_FILES = tuple(schema.view_files())
TRANSFORM_FILES = tuple(step.name for step in TRANSACTIONS.transform)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's warehouse lives (created on first use)."""
    return tmp_path / "warehouse" / "test.db"


@pytest.fixture
def two_days(tmp_path: Path) -> list[Path]:
    """Two generated days (200 lines on an average day, seed 7), with some dirty records."""
    written = generator.generate(date(2025, 3, 1), date(2025, 3, 2), 200, 7,
                                 tmp_path / "raw", dirty_rate=0.03)
    return [path for path, _ in written]


def load(db: Path, *files: Path, raw_dir: Path | None = None):
    """Run the whole pipeline on the given files (order lines, whatever their names);
    return its PipelineResult."""
    options = PipelineOptions(
        db=str(db), start=date(2025, 3, 1), end=date(2025, 3, 1), seed=1, transactions=0,
        raw_dir=raw_dir or db.parent / "raw", inputs=tuple(files), source="transactions",
    )
    return run_pipeline(options)


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    """Query the warehouse file directly, as a student with sqlite3 would."""
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def line(tid: str, day: str, quantity: int = 1, price: float = 10.0, user: str | None = "U1") -> dict:
    """One valid order line (JSON-ready), for tests that write small batches by hand."""
    return {
        "transaction_id": tid, "timestamp": f"{day}T12:00:00Z", "quantity": quantity, "price": price,
        "user": {"user_id": user, "name": f"Name {user}"} if user else None,
        "product": {"product_id": "P1", "name": "Mug", "category": "Home", "unit_price": price},
    }


def batch(tmp_path: Path, name: str, records: list[dict]) -> Path:
    """Write records as a JSON Lines batch file in tmp_path; return its path."""
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path
