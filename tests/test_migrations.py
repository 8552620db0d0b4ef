"""Schema changes reach existing warehouses: a warehouse built by release 0.1.0 is upgraded
in place, on SQLite and PostgreSQL, with no row lost and its Gold answers unchanged; a
warehouse newer than the code is refused; a view whose file changed is replaced.

The 0.1.0 warehouse is rebuilt from tests/fixtures/v0_1_0/: that release's own schema,
Silver and Gold files, and the rows of a warehouse it made (build_fixture.py says how):
the walkthrough scenario's days 1 and 2 loaded and transformed in two runs, day 3
ingested but not yet transformed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from backends import backend, warehouse  # noqa: F401  (fixtures)
from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.classroom import scenario
from ecommerce_warehouse.cli import warehouse as warehouse_cli
from ecommerce_warehouse.model import schema

FIXTURE = Path(__file__).parent / "fixtures" / "v0_1_0"
DUMP = json.loads((FIXTURE / "warehouse.json").read_text(encoding="utf-8"))
# Release 0.1.0's manifests, in its own order.
OLD_TABLES = ("etl_runs", "etl_run_steps", "etl_files", "raw_transactions", "rejected_transactions",
              "dim_users", "dim_products", "dim_date", "fact_orders", "fact_orders_indexes",
              "dq_check_results")
OLD_VIEWS = ("silver/silver_transactions", "silver/silver_users_latest", "silver/silver_products_latest",
             "gold/gold_daily_sales", "gold/gold_top_products", "gold/gold_category_sales_monthly",
             "gold/gold_customer_lifetime_value", "gold/gold_monthly_cohort_retention",
             "gold/gold_order_status")
GOLD = tuple(name.split("/")[1] for name in OLD_VIEWS if name.startswith("gold/"))
# The star's content by natural keys (keys of 0.1.0's SQLite rows started at 0).
STAR = {
    "dim_users": "select user_id, name, email, registration_date, is_inferred from dim_users "
                 "where user_key <> -1 order by user_id",
    "dim_products": "select product_id, product_name, category, list_price_cents, is_inferred "
                    "from dim_products where product_key <> -1 order by product_id",
    "dim_date": "select date_key, full_date, day_name from dim_date order by date_key",
    "fact_orders": """select fact.transaction_id, customer.user_id, product.product_id, fact.date_key,
                             fact.quantity, fact.total_amount_cents, fact.status
                      from fact_orders as fact
                      join dim_users as customer on customer.user_key = fact.user_key
                      join dim_products as product on product.product_key = fact.product_key
                      order by fact.transaction_id""",
}


def old_statements(name: str, engine: str) -> tuple[str, ...]:
    folder = FIXTURE / "sql"
    twin = folder / f"{name}.{engine}.sql"
    path = twin if twin.is_file() else folder / f"{name}.sql"
    return sqlfiles.split_statements(path.read_text(encoding="utf-8"))


def build_old_warehouse(warehouse) -> None:  # noqa: F811
    """Release 0.1.0's schema and views, and the rows of the warehouse it made."""
    engine = warehouse.backend
    connection = warehouse.new_connection()
    try:
        if engine == "postgresql":     # the schema a loading command would have created
            from psycopg import sql
            schema_name = warehouse.db.rsplit("schema=", 1)[1]
            connection.execute(sql.SQL("create schema {}").format(sql.Identifier(schema_name)))
        statements = [s for table in OLD_TABLES for s in old_statements(f"schema/{table}", engine)]
        statements += [s for view in OLD_VIEWS for s in old_statements(view, engine)]
        for statement in statements:
            connection.execute(statement)
        for table, content in DUMP["tables"].items():
            columns = content["columns"]
            marks = ", ".join(["?" if engine == "sqlite" else "%s"] * len(columns))
            sql = f"insert into {table} ({', '.join(columns)}) values ({marks})"
            cursor = connection.cursor()
            cursor.executemany(sql, [tuple(row) for row in content["rows"]])
            cursor.close()
        if engine == "postgresql":     # as a restore does: identities go on after the rows
            identities = connection.execute(
                "select table_name, column_name from information_schema.columns"
                " where table_schema = current_schema() and is_identity = 'YES'").fetchall()
            for table, column in identities:
                connection.execute(f"select setval(pg_get_serial_sequence('{table}', '{column}'),"
                                   f" (select max({column}) from {table}))")
        connection.commit()
    finally:
        connection.close()


def gold_answers(warehouse) -> dict[str, list[tuple]]:  # noqa: F811
    return {view: sorted(warehouse.rows(f"select * from {view}"), key=repr) for view in GOLD}


def star(warehouse) -> dict[str, list[tuple]]:  # noqa: F811
    return {name: warehouse.rows(sql) for name, sql in STAR.items()}


def invoke(*args):
    return CliRunner().invoke(warehouse_cli, [str(a) for a in args])


def test_a_warehouse_of_release_0_1_0_is_upgraded_in_place(warehouse, tmp_path):  # noqa: F811
    if warehouse.backend == "duckdb":
        pytest.skip("release 0.1.0 had no DuckDB engine: no DuckDB warehouse is of its schema version")
    build_old_warehouse(warehouse)
    counts = {table: len(content["rows"]) for table, content in DUMP["tables"].items()}
    rejects = warehouse.rows("select * from rejected_transactions order by raw_id")
    gold = gold_answers(warehouse)
    assert all(gold.values()), "the 0.1.0 warehouse should answer every Gold question"

    # reading commands say it needs upgrading, and change nothing
    refused = invoke("status", "--db", warehouse.db)
    assert refused.exit_code == 5, refused.output
    assert "schema version 1" in refused.output and "warehouse upgrade" in refused.output

    upgraded = invoke("upgrade", "--db", warehouse.db)
    assert upgraded.exit_code == 0, upgraded.output
    every = ", ".join(migration.name for migration in schema.MIGRATIONS)
    assert f"upgraded from version 1 to {schema.VERSION} ({every})" in upgraded.output
    assert warehouse.rows("select max(version) from etl_schema_versions") == [(schema.VERSION,)]

    # no row lost: every table keeps its rows; the quarantine moved to rejected_records
    for table, count in counts.items():
        expected = count + 1 if table == "dim_date" else count      # + the unknown date
        assert warehouse.rows(f"select count(*) from {table}") == [(expected,)], table
    assert warehouse.rows("select * from rejected_transactions order by raw_id") == rejects
    assert warehouse.rows("select count(*) from rejected_records where source = 'transactions'") == [
        (counts["rejected_transactions"],)]
    assert warehouse.rows("select run_id, source, from_raw_id, through_raw_id from etl_watermarks "
                          "order by run_id") == [(1, "transactions", 0, 91), (2, "transactions", 91, 182)]
    assert gold_answers(warehouse) == gold, "the upgrade changed a Gold answer"

    again = invoke("upgrade", "--db", warehouse.db)
    assert again.exit_code == 0 and "already at schema version" in again.output, again.output

    # the lines staged before the upgrade are transformed after it, as a new release would
    transformed = invoke("transform", "--db", warehouse.db)
    assert transformed.exit_code == 0, transformed.output
    files = [path for path, _ in scenario.write_scenario(tmp_path / "raw")]
    from backends import Backend
    lite = Backend("sqlite", tmp_path / "fresh", None).warehouse("fresh")
    for path in files:
        fresh = lite.load(path)
        assert fresh.status == "succeeded", fresh.error
    assert star(warehouse) == star(lite)
    assert gold_answers(warehouse) == gold_answers(lite)


def test_a_warehouse_newer_than_the_code_is_refused(warehouse, tmp_path):  # noqa: F811
    first = warehouse.load(*[p for p, _ in scenario.write_scenario(tmp_path / "raw")][:1])
    assert first.status == "succeeded"
    warehouse.execute("insert into etl_schema_versions (version, name, release, applied_at) "
                      "values (99, 'from the future', '9.9.0', '2030-01-01T00:00:00Z')")
    before = star(warehouse)
    for args in (["transform"], ["upgrade"], ["status"], ["rejects"]):
        result = invoke(*args, "--db", warehouse.db)
        assert result.exit_code == 5, (args, result.output)
        assert "Traceback" not in result.output
        assert "schema version 99" in result.output and "needs a release" in result.output, result.output
    assert star(warehouse) == before


def test_a_view_whose_file_changed_is_replaced(warehouse, tmp_path):  # noqa: F811
    files = [p for p, _ in scenario.write_scenario(tmp_path / "raw")]
    warehouse.load(files[0])
    good = gold_answers(warehouse)
    # as if a release before this one had created gold_daily_sales from another definition
    warehouse.execute("drop view gold_daily_sales")
    warehouse.execute("create view gold_daily_sales as select 1 as stale")
    warehouse.execute("update etl_views set sha256 = 'from an older release' "
                      "where view_name = 'gold_daily_sales'")
    assert warehouse.rows("select * from gold_daily_sales") == [(1,)]

    result = invoke("upgrade", "--db", warehouse.db, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["views_replaced"] == ["gold_daily_sales"]
    assert gold_answers(warehouse) == good
    digest = schema.view_digest("gold/gold_daily_sales", warehouse.backend)
    assert warehouse.rows("select sha256 from etl_views where view_name = 'gold_daily_sales'") == [(digest,)]


@pytest.mark.parametrize("name", [m.name for m in schema.MIGRATIONS])
def test_every_migration_is_recorded_in_order(name):
    versions = [m.version for m in schema.MIGRATIONS]
    assert versions == sorted(versions) and versions[0] == schema.FIRST_VERSION + 1
    assert versions == list(range(2, 2 + len(versions))), "migrations are numbered without gaps"
    assert (Path(__file__).parents[1] / "sql" / "migrations" / f"{name}.sql").is_file()


def test_a_version_2_warehouse_without_the_change_events_tables_is_upgraded(tmp_path):
    """Release 0.2.0's warehouses (order lines and page views, schema version 2) have no
    change-event tables: status asks for the upgrade instead of failing on a missing
    table, and the upgrade adds the tables, keeping every row."""
    db = tmp_path / "v2.db"
    built = invoke("run", "--db", db, "--raw-dir", tmp_path / "raw", "--date", "2025-03-01",
                   "--no-changes")
    assert built.exit_code == 0, built.output
    import sqlite3
    with sqlite3.connect(db) as connection:        # what release 0.2.0 left: version 2, no kind 3
        connection.execute("update etl_schema_versions set version = 2, release = '0.2.0'")
        tables = [name for (name,) in connection.execute(
            "select name from sqlite_master where type = 'table' and (name like '%changes%' "
            "or name in ('dim_products_history', 'fact_order_lifecycle', 'fact_payments', "
            "'fact_order_status_daily') or name like 'silver_%_current')")]
        assert "raw_changes" in tables
        views = [name for (name,) in connection.execute("select name from sqlite_master where type = 'view'")]
        for view in views:
            connection.execute(f'drop view "{view}"')
        for table in tables:
            connection.execute(f'drop table "{table}"')
        connection.execute("delete from etl_views")
        (before,) = connection.execute("select count(*) from fact_orders").fetchone()

    refused = invoke("status", "--db", db)
    assert refused.exit_code == 5 and "schema version 2" in refused.output, refused.output
    upgraded = invoke("upgrade", "--db", db)
    assert upgraded.exit_code == 0, upgraded.output
    assert (f"upgraded from version 2 to {schema.VERSION} (0003_changes, 0004_change_schemas, "
            "0005_change_identity)") in upgraded.output
    status = invoke("status", "--db", db)
    assert status.exit_code == 0 and "raw_changes" in status.output, status.output
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from fact_orders").fetchone() == (before,)
        assert connection.execute("select count(*) from raw_changes").fetchone() == (0,)
