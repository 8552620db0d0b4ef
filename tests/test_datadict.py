"""`warehouse docs`: the data dictionary, the ER diagram and the Datasette metadata.

The committed files (docs/DATA_DICTIONARY.md, docs/ERD.md and docs/datasette-metadata.json)
must be exactly what `warehouse docs` writes today; every table, view and column of the
live schema must have a description in sql/descriptions.toml, and every object its grain
in the header of its SQL file: when either fails, run `warehouse docs` (after describing
what is new). DESIGN.md links to them and copies none of them.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from conftest import SQL_DIR, load, rows
from ecommerce_warehouse.cli import warehouse
from ecommerce_warehouse.generate import changes as changes_generator
from ecommerce_warehouse.generate import events as events_generator
from ecommerce_warehouse.read import datadict, docs_schema
from events_helpers import load_files

STALE = "is stale: run `warehouse docs` and commit the result"
DOCS_DIR = SQL_DIR.parent / "docs"
DESIGN_FILE = SQL_DIR.parent / "DESIGN.md"


@pytest.fixture(scope="module")
def schema():
    return docs_schema.live_schema()


@pytest.fixture(scope="module")
def descriptions():
    return docs_schema.load_descriptions()


@pytest.fixture(scope="module")
def rendered():
    return datadict.render_all()


def test_data_dictionary_is_current(rendered):
    assert (DOCS_DIR / datadict.DICTIONARY_NAME).read_text(encoding="utf-8") \
        == rendered.dictionary, f"docs/{datadict.DICTIONARY_NAME} {STALE}"


def test_erd_is_current(rendered):
    assert (DOCS_DIR / datadict.ERD_NAME).read_text(encoding="utf-8") == rendered.erd, \
        f"docs/{datadict.ERD_NAME} {STALE}"


def test_datasette_metadata_is_current(rendered):
    assert (DOCS_DIR / datadict.DATASETTE_NAME).read_text(encoding="utf-8") \
        == rendered.datasette, f"docs/{datadict.DATASETTE_NAME} {STALE}"


def test_design_md_links_the_dictionary_and_copies_none_of_it(rendered):
    design = DESIGN_FILE.read_text(encoding="utf-8")
    assert "docs/DATA_DICTIONARY.md" in design and "docs/ERD.md" in design
    assert "erDiagram" not in design, "DESIGN.md should link docs/ERD.md, not copy it"
    assert "| column | type | key | null | meaning |" not in design, \
        "DESIGN.md should link docs/DATA_DICTIONARY.md, not copy it"


def test_every_table_view_and_column_is_described(schema, descriptions):
    missing = docs_schema.problems(schema, descriptions)
    assert not missing, "describe these in sql/descriptions.toml:\n" + "\n".join(missing)


def test_the_schema_documented_is_the_whole_warehouse(schema):
    names = {path.stem.split(".")[0] for folder in ("schema", "bronze", "silver", "gold")
             for path in (SQL_DIR / folder).glob("*.sql")}
    documented = set(schema)
    assert {"fact_orders", "dim_users", "dim_products", "dim_date", "raw_transactions",
            "gold_daily_sales", "silver_transactions"} <= documented
    assert documented <= names | {"dq_check_results"}
    assert schema["fact_orders"].primary_key == ["order_key"]
    assert {(fk["column"], fk["table"]) for fk in schema["fact_orders"].foreign_keys} == {
        ("user_key", "dim_users"), ("product_key", "dim_products"), ("date_key", "dim_date"),
        ("batch_id", "etl_files")}


def test_a_missing_description_is_reported(schema, descriptions):
    changed = copy.deepcopy(descriptions)
    del changed["objects"]["fact_orders"]["columns"]["quantity"]
    del changed["objects"]["gold_daily_sales"]["types"]["orders"]
    changed["objects"]["dim_date"]["columns"]["no_such_column"] = "gone"
    del changed["objects"]["etl_runs"]
    found = docs_schema.problems(schema, changed)
    assert "column fact_orders.quantity has no description" in found
    assert any(p.startswith("column gold_daily_sales.orders has no declared type") for p in found)
    assert any("describes no_such_column" in p for p in found)
    assert "table etl_runs has no [objects.etl_runs]" in found
    with pytest.raises(docs_schema.DocsError, match="does not match the schema"):
        docs_schema.checked(schema, changed)


def test_view_types_match_what_sqlite_stores(tmp_path: Path, two_days, descriptions, schema):
    """The types given for computed view columns are what typeof() says in a built warehouse
    (order lines, the page views and the change events of the same days, so every view has rows)."""
    db = tmp_path / "w.db"
    load(db, *two_days)
    clicks = events_generator.generate(date(2025, 3, 1), date(2025, 3, 2), 200, 7, tmp_path / "clicks")
    load_files(db, *(path for path, _ in clicks))
    changes = changes_generator.generate(date(2025, 3, 1), date(2025, 3, 2), 200, 7, tmp_path / "changes")
    load_files(db, *(path for path, _ in changes))
    for name, item in schema.items():
        for column in item.columns:
            if column.type:
                continue
            declared = descriptions["objects"][name]["types"][column.name].lower()
            seen = {t for (t,) in rows(db, f'select distinct typeof("{column.name}") from "{name}" '
                                           f'where "{column.name}" is not null')}
            assert seen == {declared}, f"{name}.{column.name}: declared {declared}, stored {seen}"


def test_erd_draws_every_foreign_key(schema, rendered):
    for item in schema.values():
        for fk in item.foreign_keys:
            assert f" {item.name} : \"{fk['column']}\"" in rendered.erd
            assert fk["table"] in rendered.erd
    assert "erDiagram" in rendered.erd and "flowchart LR" in rendered.erd
    assert "    fact_orders --> gold_daily_sales" in rendered.erd


def test_dictionary_gives_grain_type_and_meaning(schema, descriptions, rendered):
    for name in schema:
        assert f"`{name}`" in rendered.dictionary
        grain = docs_schema.grain_of(name)
        assert grain and f"grain: {grain}" in rendered.dictionary, name
    assert "grain: one row per transaction_id, i.e. one order line" in rendered.dictionary
    assert "| `total_amount_cents` | INTEGER |  | no | quantity × unit_price_cents. |" \
        in rendered.dictionary
    assert "| `net_revenue` | REAL | net_revenue_cents / 100, for display. |" in rendered.dictionary


def test_datasette_metadata_documents_tables_and_example_queries(schema, rendered):
    metadata = json.loads(rendered.datasette)
    database = metadata["databases"]["ecommerce_warehouse"]
    assert set(database["tables"]) == set(schema)
    for name, item in schema.items():
        assert database["tables"][name]["description"]
        assert list(database["tables"][name]["columns"]) == [c.name for c in item.columns]
        assert all(database["tables"][name]["columns"].values())
    examples = sorted((SQL_DIR / "examples").glob("*.sql"))
    assert list(database["queries"]) == [p.stem for p in examples]
    for path in examples:
        query = database["queries"][path.stem]
        assert query["sql"] == path.read_text(encoding="utf-8")
        question = next(line for line in path.read_text(encoding="utf-8").splitlines()
                        if line.startswith("-- Question:"))
        assert query["title"].lower() == question.split(":", 1)[1].strip().lower()
    assert database["queries"]["top_products_by_revenue"]["title"] == \
        "Which products bring in the most money?"


def test_docs_command_writes_into_out_and_leaves_the_project_alone(tmp_path: Path, cli, rendered):
    design = hashlib.sha256(DESIGN_FILE.read_bytes()).hexdigest()
    committed = {path.name: path.read_bytes() for path in DOCS_DIR.iterdir() if path.is_file()}
    out = tmp_path / "docs"
    result = cli.invoke(warehouse, ["docs", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [str(out / datadict.DICTIONARY_NAME), str(out / datadict.ERD_NAME),
                                          str(out / datadict.DATASETTE_NAME)]
    assert (out / datadict.DICTIONARY_NAME).read_text(encoding="utf-8") == rendered.dictionary
    assert hashlib.sha256(DESIGN_FILE.read_bytes()).hexdigest() == design
    assert {path.name: path.read_bytes() for path in DOCS_DIR.iterdir() if path.is_file()} == committed


def test_docs_of_another_warehouse_never_writes_the_projects_docs(tmp_path: Path, cli, two_days,
                                                                    monkeypatch):
    """`warehouse docs --db OTHER.db` writes to ./warehouse_docs/ (not docs/), from any folder."""
    db = tmp_path / "other.db"
    load(db, *two_days)
    committed = {path.name: path.read_bytes() for path in DOCS_DIR.iterdir() if path.is_file()}
    for folder in (tmp_path, SQL_DIR.parent):
        monkeypatch.chdir(folder)
        result = cli.invoke(warehouse, ["docs", "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert all(line.startswith(str(datadict.DEFAULT_OUT_FOR_DB)) for line in result.output.splitlines())
    assert (tmp_path / "warehouse_docs" / datadict.DICTIONARY_NAME).is_file()
    assert {path.name: path.read_bytes() for path in DOCS_DIR.iterdir() if path.is_file()} == committed
    import shutil
    shutil.rmtree(SQL_DIR.parent / "warehouse_docs")


def test_docs_of_an_existing_warehouse_only_reads_it(tmp_path: Path, cli, two_days):
    db = tmp_path / "class.db"
    load(db, *two_days)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    out = tmp_path / "docs"
    result = cli.invoke(warehouse, ["docs", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    metadata = json.loads((out / datadict.DATASETTE_NAME).read_text(encoding="utf-8"))
    assert list(metadata["databases"]) == ["class"]          # Datasette names it after the file


def test_docs_of_a_missing_warehouse_is_a_one_line_error(tmp_path: Path, cli):
    result = cli.invoke(warehouse, ["docs", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "d")])
    assert result.exit_code == 5
    assert result.output.count("\n") == 1 and "no warehouse at" in result.output
    assert not (tmp_path / "none.db").exists()
