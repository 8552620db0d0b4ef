"""Conventions of sql/: every file opens with a header, every declared file exists, no file
is orphaned, every table and view states its grain once, and the Silver snapshot views
agree with the SCD1 dimensions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from conftest import SQL_DIR, TRANSFORM_FILES, load, rows
from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.generate import events as events_generator
from ecommerce_warehouse.model import core, schema
from ecommerce_warehouse.sources import SOURCES
from events_helpers import load_files

ALL_SQL = sorted(SQL_DIR.rglob("*.sql"))
DECLARED = (*schema.table_files(), *schema.view_files(), *TRANSFORM_FILES,
            *(step.name for source in SOURCES for step in source.transform),
            *(job for source in SOURCES for job in source.checks), *core.CHECKS,
            *(migration.file for migration in schema.MIGRATIONS))
# One-value queries and helpers the declarations name by other fields (or the code runs).
HELPERS = {"transform/last_watermark", "transform/advance_watermark", "transform/fact_size",
           "transform/fact_orders_drop_indexes",
           *(step.bulk_before for source in SOURCES for step in source.transform if step.bulk_before),
           *(source.high_water for source in SOURCES),
           *(step.bind for source in SOURCES for step in source.transform if step.bind),
           *(file for source in SOURCES for file in source.scope.values())}
GRAIN = re.compile(r"\(grain: ([^)]*)\)")


@pytest.mark.parametrize("path", ALL_SQL, ids=lambda p: str(p.relative_to(SQL_DIR)))
def test_every_sql_file_opens_with_a_header_naming_what_it_builds(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    header = []
    for line in lines:
        if not line.startswith("--"):
            break
        header.append(line)
    assert len(header) >= 2, f"{path} needs a header comment (what, grain/keys, reads)"
    if path.parent.name == "examples":          # teaching queries state their question
        text = "\n".join(header)
        assert "Question:" in text and "Grain:" in text, f"{path}: header needs Question: and Grain:"
    else:
        stem = path.name.split(".")[0]
        assert stem in header[0], f"{path}: the first header line should name {stem}"


@pytest.mark.parametrize("name", DECLARED)
def test_every_declared_file_exists(name: str):
    assert sqlfiles.sql_file(name, "sqlite").is_file(), f"sql/{name}.sql is declared but missing"


def test_every_schema_view_and_transform_file_is_declared():
    declared = {*DECLARED, *HELPERS}
    for folder in ("schema", "bronze", "silver", "transform", "gold", "checks", "migrations"):
        for path in (SQL_DIR / folder).glob("*.sql"):
            name = f"{folder}/{path.name.split('.')[0]}"
            assert name in declared, f"{path} is not run by any declaration"


@pytest.mark.parametrize("name", [*schema.table_files(), *schema.view_files()])
def test_every_table_and_view_states_its_grain_once(name: str):
    """The grain is written in one place, the header of the file that creates the object;
    an engine twin points at it instead of saying it again."""
    if name == "schema/dim_unknown_members" or name.endswith("_indexes"):
        return                                  # rows of other tables; indexes
    text = sqlfiles.read_text(name, "sqlite")
    assert GRAIN.search(text.split("\n\n")[0].replace("\n-- ", " ")), f"sql/{name}.sql states no (grain: ...)"
    for twin in SQL_DIR.glob(f"{name}.*.sql"):
        found = GRAIN.search(twin.read_text(encoding="utf-8").splitlines()[0])
        assert found and found.group(1).startswith("as in "), f"{twin} should say (grain: as in ...)"


def test_statements_split_on_semicolons_outside_strings_and_comments():
    text = "-- a; header\nselect ';' as x;\n\nselect 2 -- trailing; comment\n;\n"
    assert sqlfiles.split_statements(text) == ("select ';' as x", "select 2 -- trailing; comment")


def test_silver_snapshot_views_agree_with_the_dimensions(tmp_path, two_days):
    """The full-history views and the incremental merges apply the same SCD1 rule."""
    db = tmp_path / "w.db"
    for path in two_days:                        # one file per run: the merges work incrementally
        load(db, path)
    assert rows(db, """
        select user_id, name, email, registration_date, is_inferred from silver_users_latest
        except
        select user_id, name, email, registration_date, is_inferred from dim_users
    """) == []
    assert rows(db, "select count(*) from silver_users_latest") == rows(
        db, "select count(*) from dim_users where user_key <> -1")
    assert rows(db, """
        select product_id, product_name, category, list_price_cents, is_inferred
        from silver_products_latest
        except
        select product_id, product_name, category, list_price_cents, is_inferred from dim_products
    """) == []


def test_the_sqlite_fact_twin_gives_the_keys_the_portable_file_gives(tmp_path, two_days, monkeypatch):
    """transform/fact_orders.sqlite.sql lets SQLite's rowid give order_key; the portable file
    gives the same keys with a window function (what every other engine runs)."""
    twin = tmp_path / "twin.db"
    for path in two_days:
        load(twin, path)
    original = sqlfiles.sql_file

    def portable_fact(name: str, engine: str):
        return original(name, "portable") if name == "transform/fact_orders" else original(name, engine)

    monkeypatch.setattr(sqlfiles, "sql_file", portable_fact)
    sqlfiles.statements.cache_clear()
    try:
        portable = tmp_path / "portable.db"
        for path in two_days:
            load(portable, path)
    finally:
        sqlfiles.statements.cache_clear()
    keys = "select order_key, transaction_id, user_key, product_key from fact_orders order by order_key"
    assert rows(twin, keys) == rows(portable, keys)
    assert rows(twin, "select min(order_key), max(order_key), count(*) from fact_orders") == \
        rows(twin, "select 1, count(*), count(*) from fact_orders")


def test_the_sqlite_page_view_twin_gives_the_keys_the_portable_file_gives(tmp_path, monkeypatch):
    """transform/fact_page_views.sqlite.sql lets SQLite's rowid give page_view_key, as the
    order lines' twin does; the portable file gives the same keys with a window function."""
    days = [path for path, _ in events_generator.generate(date(2025, 3, 1), date(2025, 3, 2), 40, 3,
                                                          tmp_path / "raw")]
    twin = tmp_path / "twin.db"
    for path in days:
        load_files(twin, path)
    original = sqlfiles.sql_file

    def portable_fact(name: str, engine: str):
        return original(name, "portable") if name == "transform/fact_page_views" else original(name, engine)

    monkeypatch.setattr(sqlfiles, "sql_file", portable_fact)
    sqlfiles.statements.cache_clear()
    try:
        portable = tmp_path / "portable.db"
        for path in days:
            load_files(portable, path)
    finally:
        sqlfiles.statements.cache_clear()
    keys = "select page_view_key, event_id, visitor_key, session_id from fact_page_views order by page_view_key"
    assert rows(twin, keys) == rows(portable, keys)
    assert rows(twin, "select min(page_view_key), max(page_view_key), count(*) from fact_page_views") == \
        rows(twin, "select 1, count(*), count(*) from fact_page_views")


def test_the_sqlite_session_twin_gives_what_the_portable_file_gives(tmp_path, monkeypatch):
    """transform/stage_page_view_sessions.sqlite.sql finds sessions by index lookups, the
    portable file by window functions. Days loaded out of order
    (the first day after the second renames sessions of it, the third extends some) give,
    after each load, the same stage and the same facts, keys included."""
    days = [path for path, _ in events_generator.generate(date(2025, 3, 1), date(2025, 3, 3), 40, 5,
                                                          tmp_path / "raw")]
    original = sqlfiles.sql_file
    portable_now = False

    def chosen_file(name: str, engine: str):
        if portable_now and name == "transform/stage_page_view_sessions":
            return original(name, "portable")
        return original(name, engine)

    monkeypatch.setattr(sqlfiles, "sql_file", chosen_file)
    twin, portable = tmp_path / "twin.db", tmp_path / "portable.db"
    renamed = 0
    for path in (days[1], days[0], days[2]):
        for db, portable_now in ((twin, False), (portable, True)):
            sqlfiles.statements.cache_clear()
            load_files(db, path)
        sqlfiles.statements.cache_clear()
        for query in ("select * from stage_page_view_sessions order by rowid",
                      ("select page_view_key, session_id, view_number, time_on_page_seconds"
                       " from fact_page_views order by page_view_key"),
                      "select * from fact_sessions order by session_key"):
            assert rows(twin, query) == rows(portable, query)
        renamed += rows(twin, "select count(*) from stage_page_view_sessions"
                              " where old_session_id <> session_id")[0][0]
    assert renamed > 0
    assert rows(twin, "select count(*) from fact_page_views where session_id is null") == [(0,)]
