"""Conventions of sql/: every file opens with a header, every manifest entry has its file,
no file is orphaned, and the Silver snapshot views agree with the SCD1 dimensions."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import load, rows
from ecommerce_warehouse import sqlfiles

SQL_DIR = sqlfiles.SQL_DIR
ALL_SQL = sorted(SQL_DIR.rglob("*.sql"))
MANIFESTS = sqlfiles.SCHEMA + sqlfiles.VIEWS + sqlfiles.TRANSFORM


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


@pytest.mark.parametrize("name", MANIFESTS)
def test_every_manifest_entry_has_a_file(name: str):
    assert sqlfiles.sql_path(name, "sqlite").is_file()


def test_every_schema_view_and_transform_file_is_in_a_manifest():
    listed = {sqlfiles.sql_path(name, "sqlite") for name in MANIFESTS}
    for folder in ("schema", "silver", "transform", "gold"):
        for path in (SQL_DIR / folder).glob("*.sql"):
            if path.name.count(".") > 1:          # a dialect variant of a listed file
                continue
            helper = path.stem in {"last_watermark", "staged_high_water", "advance_watermark",
                                   "fact_size", "fact_orders_drop_indexes"}
            assert path in listed or helper, f"{path} is not run by any manifest"


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
