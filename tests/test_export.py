"""`warehouse export`: the warehouse out as Parquet files and Iceberg tables, read back.

Every exported table is read back with DuckDB (and pyarrow) and compared with the
warehouse: row counts, the sum of every ``*_cents`` column, every row (a content digest
computed here, independently of the exporter, by the algorithm docs/EXPORT.md gives),
types, and facts' Hive partitions; on SQLite and PostgreSQL. An export of a generated
month opens in pandas with the right dtypes; an export again leaves no stale file; a
failed export leaves the previous one; Iceberg keeps one snapshot per export, which
DuckDB's iceberg extension (loaded from its PyPI wheel, never downloaded) reads.

Needs the optional extra (pip install 'ecommerce-warehouse[export]'); skipped without it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import struct
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from backends import Warehouse, backend, pg, warehouse  # noqa: F401  (fixtures)
from ecommerce_warehouse.cli import warehouse as warehouse_cli
from ecommerce_warehouse.export import tables as export_tables
from ecommerce_warehouse.export.tables import DATE, FLOAT64, INT64, MONEY, STRING, TIMESTAMP
from ecommerce_warehouse.pipeline import PipelineOptions, run_pipeline

pa = pytest.importorskip("pyarrow", reason="the [export] extra is not installed")
duckdb = pytest.importorskip("duckdb", reason="the [export] extra is not installed")
pytest.importorskip("pyiceberg", reason="the [export] extra is not installed")
import pyarrow.dataset as ds
import pyarrow.parquet  # noqa: F401  (pa.parquet)

TABLES = export_tables.exported_tables()
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- building and exporting -----------------------------------------------------------------

def build(db: str, raw_dir: Path, start=date(2025, 3, 1), end=date(2025, 3, 2), lines=30):
    """Generated order lines and page views of the days, loaded (seed 7)."""
    result = run_pipeline(PipelineOptions(db=db, start=start, end=end, seed=7, transactions=lines,
                                          raw_dir=raw_dir, dirty_rate=0.02))
    assert result.status in ("succeeded", "warned"), result


def export(db: str, out: Path, *args: str, expect: int = 0):
    result = CliRunner().invoke(warehouse_cli, ["export", "--db", db, "--out", str(out), *args])
    assert result.exit_code == expect, result.output
    return result


def leftovers(folder: Path) -> list[Path]:
    """Staging or retired folders of exports into folder/export (the lock file stays)."""
    return [*folder.glob(".export.staging-*"), *folder.glob(".export.retired-*")]


def manifest(out: Path) -> dict:
    return json.loads((out / "_manifest.json").read_text(encoding="utf-8"))


# --- reading back, compared with the warehouse --------------------------------------------

def canonical(value, kind: str):
    """A value as the test compares it, from the warehouse (as SQLite gives it) or read back."""
    if value is None:
        return None
    if kind == TIMESTAMP:
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return value
    if kind == DATE:
        return value.isoformat() if isinstance(value, date) else value
    if kind in (FLOAT64, MONEY):
        return f"{float(value):.12g}"
    if kind == INT64:
        return int(value)
    return str(value)


def canonical_rows(rows, item) -> list[tuple]:
    kinds = [column.type for column in item.columns]
    return sorted((tuple(canonical(v, k) for v, k in zip(row, kinds)) for row in rows), key=repr)


def documented_digest(rows, item) -> str:
    """docs/EXPORT.md's content digest, computed from the warehouse's own values."""
    total = 0
    for row in rows:
        text = b""
        for value, column in zip(row, item.columns):
            if value is None:
                text += b"-"
                continue
            if column.type == TIMESTAMP:
                moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
                field = str((moment - EPOCH) // timedelta(microseconds=1))
            elif column.type == DATE:
                field = str((date.fromisoformat(value) - date(1970, 1, 1)).days)
            elif column.type == MONEY:
                field = f"{Decimal(repr(float(value))):.2f}"
            elif column.type == FLOAT64:
                field = str(struct.unpack("<q", struct.pack("<d", float(value)))[0])
            else:
                field = str(value)
            data = field.encode("utf-8")
            text += str(len(data)).encode() + b":" + data
        total += int.from_bytes(hashlib.sha256(text).digest()[:8], "big")
    return f"{total % (1 << 64):016x}"


def warehouse_rows(wh, item) -> list[tuple]:
    return wh.rows(f"select {', '.join(c.name for c in item.columns)} from {item.name}")


def parquet_glob(out: Path, item) -> str:
    return str(out / item.name / ("**/*.parquet" if item.partitioned else "*.parquet"))


def read_back_duckdb(out: Path, item):
    connection = duckdb.connect()
    source = f"read_parquet('{parquet_glob(out, item)}', hive_partitioning = {str(item.partitioned).lower()})"
    names = ", ".join(c.name for c in item.columns)
    rows = connection.execute(f"select {names} from {source}").fetchall()
    sums = {name: connection.execute(f"select coalesce(sum({name}), 0) from {source}").fetchone()[0]
            for name in item.cents_columns}
    misplaced = 0
    if item.partitioned:
        misplaced = connection.execute(
            f"select count(*) from {source} where date_key > 0 and "
            "(year <> date_key // 10000 or month <> date_key // 100 % 100)").fetchone()[0]
    return rows, sums, misplaced


def assert_export_matches(wh, out: Path, names=None):
    found = manifest(out)
    for item in TABLES:
        if names and item.name not in names:
            continue
        expected = warehouse_rows(wh, item)
        entry = found["tables"][item.name]
        rows, sums, misplaced = read_back_duckdb(out, item)
        assert len(rows) == len(expected) == entry["rows"], item.name
        for name in item.cents_columns:
            total = sum(row[[c.name for c in item.columns].index(name)] or 0 for row in expected)
            assert sums[name] == total == entry["cents_sums"][name], (item.name, name)
        assert canonical_rows(rows, item) == canonical_rows(expected, item), item.name
        assert entry["content_digest"] == documented_digest(expected, item), item.name
        assert misplaced == 0, f"{item.name}: rows in the wrong year/month partition"
        # pyarrow: the same count, and the exact types
        dataset = ds.dataset(out / item.name, format="parquet",
                             partitioning="hive" if item.partitioned else None)
        assert dataset.count_rows() == len(expected), item.name
        for column in item.columns:
            assert str(dataset.schema.field(column.name).type) == {
                INT64: "int64", FLOAT64: "double", MONEY: "decimal128(18, 2)",
                TIMESTAMP: "timestamp[us, tz=UTC]", DATE: "date32[day]", STRING: "string",
            }[column.type], (item.name, column.name)
        files = {f["path"] for f in entry["files"]}
        on_disk = {p.relative_to(out).as_posix() for p in (out / item.name).rglob("*.parquet")}
        assert files == on_disk, item.name
        for listed in entry["files"]:
            assert hashlib.sha256((out / listed["path"]).read_bytes()).hexdigest() == listed["sha256"]


# --- the tests ------------------------------------------------------------------------------

def test_the_tables_come_from_the_declarations():
    names = {item.name: item.kind for item in TABLES}
    assert {"dim_users", "dim_products", "dim_date", "dim_visitors", "dim_channel", "dim_page_type"} <= {
        n for n, k in names.items() if k == "dimension"}
    assert {n for n, k in names.items() if k == "fact"} >= {"fact_orders", "fact_page_views", "fact_sessions"}
    assert {"gold_daily_sales", "gold_funnel_daily", "gold_order_lines"} <= {
        n for n, k in names.items() if k == "gold"}
    # a fact with a date_key is partitioned by it; the accumulating snapshot has one date key
    # per milestone and none called date_key, so it is written whole
    assert all(item.partitioned for item in TABLES
               if item.kind == "fact" and any(c.name == "date_key" for c in item.columns))
    assert {n for n, k in names.items() if k == "fact"} >= {"fact_payments", "fact_order_status_daily",
                                                            "fact_order_lifecycle"}
    assert not next(item for item in TABLES if item.name == "fact_order_lifecycle").partitioned
    assert "fact_orders_indexes" not in names and "raw_transactions" not in names


def test_parquet_export_reads_back_as_the_warehouse(warehouse, tmp_path):  # noqa: F811
    build(warehouse.db, tmp_path / "raw")
    out = tmp_path / "export"
    result = export(warehouse.db, out)
    assert "Exported" in result.output and "fact_orders" in result.output
    assert set(manifest(out)["tables"]) == {item.name for item in TABLES}
    assert_export_matches(warehouse, out)
    # facts: one folder per year and month of their dates
    months = {tuple(p.relative_to(out / "fact_orders").parts[:2])
              for p in (out / "fact_orders").rglob("*.parquet")}
    expected = {(f"year={y}", f"month={m}") for y, m in warehouse.rows(
        "select distinct d.year, d.month from fact_orders f join dim_date d on d.date_key = f.date_key")}
    assert months == expected


def test_export_again_replaces_everything_and_leaves_no_stale_file(tmp_path):
    db = str(tmp_path / "w.db")
    build(db, tmp_path / "raw", end=date(2025, 3, 1))
    out = tmp_path / "export"
    export(db, out)
    stale = out / "fact_orders" / "year=1999" / "month=1" / "part-00000.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    (out / "gold_retired_view").mkdir()          # a view an earlier release exported
    (out / "gold_retired_view" / "part-00000.parquet").write_bytes(b"old")
    earlier = manifest(out)
    earlier["tables"]["gold_retired_view"] = {"rows": 0, "files": []}
    (out / "_manifest.json").write_text(json.dumps(earlier))
    build(db, tmp_path / "raw", start=date(2025, 3, 2), end=date(2025, 3, 2))
    export(db, out)
    assert not stale.exists() and not (out / "gold_retired_view").exists()
    assert not leftovers(tmp_path), "a staging folder was left behind"
    assert_export_matches(Warehouse("sqlite", db, tmp_path / "raw", None), out)


def test_export_of_some_tables_keeps_the_others(tmp_path):
    db = str(tmp_path / "w.db")
    build(db, tmp_path / "raw", end=date(2025, 3, 1))
    out = tmp_path / "export"
    export(db, out)
    before = manifest(out)
    kept = out / before["tables"]["dim_users"]["files"][0]["path"]
    build(db, tmp_path / "raw", start=date(2025, 3, 2), end=date(2025, 3, 2))
    export(db, out, "--tables", "gold_daily_sales,fact_orders")
    after = manifest(out)
    assert set(after["tables"]) == set(before["tables"])
    assert after["tables"]["dim_users"] == before["tables"]["dim_users"]
    assert kept.exists() and hashlib.sha256(kept.read_bytes()).hexdigest() == \
        before["tables"]["dim_users"]["files"][0]["sha256"]
    assert after["tables"]["fact_orders"]["rows"] > before["tables"]["fact_orders"]["rows"]
    result = export(db, out, "--tables", "raw_transactions", expect=2)
    assert "no exported table called raw_transactions" in result.output


def test_a_failed_export_leaves_the_previous_one(tmp_path):
    db = str(tmp_path / "w.db")
    build(db, tmp_path / "raw", end=date(2025, 3, 1))
    out = tmp_path / "export"
    export(db, out)
    before = (out / "_manifest.json").read_bytes()
    import sqlite3
    connection = sqlite3.connect(db)
    connection.execute("update fact_orders set order_timestamp = 'yesterday' where order_key = 2")
    connection.commit()
    connection.close()
    result = export(db, out, expect=1)
    message = result.output.strip().splitlines()
    assert len(message) == 1 and "Traceback" not in result.output
    assert "fact_orders: row with order_key = 2: column order_timestamp holds 'yesterday'" in message[0]
    assert (out / "_manifest.json").read_bytes() == before
    assert not leftovers(tmp_path)


def test_an_export_killed_in_the_middle_of_its_swap_is_recovered(tmp_path):
    """Killed between the swap's two renames: no --out, the previous export renamed away
    and the new one staged. The next export puts the previous one back first, so a
    --tables export keeps the other tables."""
    db = str(tmp_path / "w.db")
    build(db, tmp_path / "raw", end=date(2025, 3, 1), lines=5)
    out = tmp_path / "export"
    export(db, out)
    before = manifest(out)
    out.rename(tmp_path / ".export.retired-99999")
    (tmp_path / ".export.staging-99999").mkdir()
    export(db, out, "--tables", "gold_daily_sales")
    after = manifest(out)
    assert set(after["tables"]) == set(before["tables"])
    assert after["tables"]["dim_users"] == before["tables"]["dim_users"]
    assert (out / before["tables"]["dim_users"]["files"][0]["path"]).is_file()
    assert not leftovers(tmp_path)


def test_a_second_export_into_the_same_folder_waits_its_turn(tmp_path):
    from ecommerce_warehouse.export import parquet

    db = str(tmp_path / "w.db")
    build(db, tmp_path / "raw", end=date(2025, 3, 1), lines=5)
    out = tmp_path / "export"
    export(db, out)
    before = (out / "_manifest.json").read_bytes()
    with parquet.exclusive(out):            # as if another export were running
        result = export(db, out, expect=4)
    assert "another warehouse export is writing to" in result.output
    assert (out / "_manifest.json").read_bytes() == before
    export(db, out)


def test_a_folder_that_is_not_an_export_is_refused(tmp_path):
    db = str(tmp_path / "w.db")
    build(db, tmp_path / "raw", end=date(2025, 3, 1))
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = export(db, out, expect=1)
    assert "not an export" in result.output
    assert (out / "notes.txt").read_text() == "keep me"
    # an export folder with something else in it (an Iceberg catalog put there, say)
    out = tmp_path / "export"
    export(db, out)
    (out / "catalog.db").write_text("not ours")
    result = export(db, out, expect=1)
    assert "holds catalog.db, which the export did not write" in result.output
    assert (out / "catalog.db").read_text() == "not ours"


def test_the_extra_missing_is_one_clear_line(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    result = CliRunner().invoke(warehouse_cli, ["export", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: warehouse export needs pyarrow, an optional extra: "
                                     "pip install 'ecommerce-warehouse[export]'")


def test_a_generated_month_opens_in_pandas_with_the_right_dtypes(tmp_path):
    pd = pytest.importorskip("pandas")
    db = str(tmp_path / "w.db")
    build(db, tmp_path / "raw", start=date(2025, 3, 1), end=date(2025, 3, 31), lines=8)
    out = tmp_path / "export"
    export(db, out)
    orders = pd.read_parquet(out / "fact_orders")
    assert str(orders["order_key"].dtype) == "int64"
    assert str(orders["total_amount_cents"].dtype) == "int64"
    assert str(orders["order_timestamp"].dtype) == "datetime64[us, UTC]"
    assert set(orders["month"].astype(int)) >= {3}
    assert str(orders["status"].dtype) in ("object", "str", "string")
    calendar = pd.read_parquet(out / "dim_date")
    assert isinstance(calendar["full_date"].iloc[0], date)
    daily = pd.read_parquet(out / "gold_daily_sales")
    assert isinstance(daily["net_revenue"].iloc[0], Decimal)
    assert daily["net_revenue_cents"].sum() == int(sum(daily["net_revenue"]) * 100)
    sessions = pd.read_parquet(out / "gold_session_daily")
    assert str(sessions["bounce_rate"].dtype) == "float64"


def test_the_type_rules_agree_with_the_types_postgresql_declares(pg):  # noqa: F811
    """The export's types come from the portable schema by naming rules; PostgreSQL
    declares exact types for every column, which must say the same."""
    wh = pg.warehouse()
    build(wh.db, pg.tmp_path / "raw", end=date(2025, 3, 1), lines=5)
    declared = {(t, c): d for t, c, d in wh.rows(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = current_schema()")}
    allowed = {INT64: {"bigint", "integer", "smallint", "numeric"}, FLOAT64: {"double precision", "numeric"},
               MONEY: {"numeric"}, TIMESTAMP: {"timestamp with time zone"}, DATE: {"date"},
               STRING: {"text", "character varying"}}
    for item in TABLES:
        for column in item.columns:
            assert declared[(item.name, column.name)] in allowed[column.type], (item.name, column.name)


# --- Iceberg --------------------------------------------------------------------------------

def duckdb_with_iceberg():
    """DuckDB with the avro and iceberg extensions loaded from their PyPI wheels (no network)."""
    connection = duckdb.connect()
    connection.execute("set autoinstall_known_extensions = false")
    for name in ("avro", "iceberg"):
        module = importlib.import_module(f"duckdb_extension_{name}")
        path = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
        connection.execute(f"load '{path}'")
    return connection


def iceberg_catalog(url: str, out: Path):
    from pyiceberg.catalog.sql import SqlCatalog

    return SqlCatalog("warehouse", uri=url, warehouse=str(out))


def check_iceberg(wh, catalog, namespace: str, snapshots: int, first: dict | None = None) -> dict:
    connection = duckdb_with_iceberg()
    seen = {}
    for item in TABLES:
        table = catalog.load_table((namespace, item.name))
        assert len(table.snapshots()) == snapshots, item.name
        expected = warehouse_rows(wh, item)
        names = ", ".join(c.name for c in item.columns)
        rows = connection.execute(f"select {names} from iceberg_scan(?)", [table.metadata_location]).fetchall()
        assert canonical_rows(rows, item) == canonical_rows(expected, item), item.name
        summary = table.current_snapshot().summary
        assert summary["warehouse.content-digest"] == documented_digest(expected, item), item.name
        assert int(summary["warehouse.rows"]) == len(expected)
        seen[item.name] = (table.current_snapshot().snapshot_id, len(expected))
        if item.partitioned:             # a fact: partitioned by month, each file one month
            assert [field.name for field in table.spec().fields] == ["date_key_month"], item.name
            for task in table.scan().plan_files():
                keys = pa.parquet.read_table(task.file.file_path, columns=["date_key"]).column(0).to_pylist()
                assert {key // 100 * 100 for key in keys} <= {task.file.partition[0]}, item.name
        if first is not None:               # time travel: the first export, as it was
            snapshot_id, count = first[item.name]
            (back,) = connection.execute(
                f"select count(*) from iceberg_scan(?, snapshot_from_id = {snapshot_id})",
                [table.metadata_location]).fetchone()
            assert back == count, item.name
            assert len(table.scan(snapshot_id=snapshot_id).to_arrow()) == count
    return seen


def test_iceberg_keeps_one_snapshot_per_export(tmp_path):

    db = str(tmp_path / "w.db")
    wh = Warehouse("sqlite", db, tmp_path / "raw", None)
    build(db, tmp_path / "raw", end=date(2025, 3, 1))
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    out = tmp_path / "iceberg"
    result = export(db, out, "--format", "iceberg", "--catalog", url)
    assert "snapshot" in result.output
    catalog = iceberg_catalog(url, out)
    first = check_iceberg(wh, catalog, "ecommerce", snapshots=1)
    build(db, tmp_path / "raw", start=date(2025, 3, 2), end=date(2025, 3, 2))
    export(db, out, "--format", "iceberg", "--catalog", url)
    second = check_iceberg(wh, catalog, "ecommerce", snapshots=2, first=first)
    assert second["fact_orders"][1] > first["fact_orders"][1]


def test_iceberg_needs_a_catalog(tmp_path):
    db = str(tmp_path / "w.db")
    build(db, tmp_path / "raw", end=date(2025, 3, 1), lines=5)
    result = export(db, tmp_path / "iceberg", "--format", "iceberg", expect=1)
    assert "--format iceberg needs --catalog URL" in result.output


def test_iceberg_with_a_postgresql_catalog_from_a_postgresql_warehouse(pg, tmp_path):  # noqa: F811
    wh = pg.warehouse()
    build(wh.db, tmp_path / "raw", end=date(2025, 3, 1))
    namespace = f"test_{uuid.uuid4().hex[:10]}"
    url = pg.server.url
    out = tmp_path / "iceberg"
    catalog = None
    try:
        export(wh.db, out, "--format", "iceberg", "--catalog", url, "--namespace", namespace)
        catalog = iceberg_catalog(url, out)
        check_iceberg(wh, catalog, namespace, snapshots=1)
    finally:
        catalog = catalog or iceberg_catalog(url, out)
        for identifier in catalog.list_tables(namespace):
            catalog.drop_table(identifier)
        catalog.drop_namespace(namespace)


# --- reading in one snapshot, and the benchmark ---------------------------------------------

def test_an_export_reads_one_snapshot_while_loads_go_on(warehouse, tmp_path):  # noqa: F811
    """Every table of one export is read in the same committed state: a commit made while
    the export's snapshot is open is not seen by its later reads (engine.one_snapshot)."""
    from sqlalchemy import text

    from ecommerce_warehouse import engines
    from ecommerce_warehouse.db import open_read_only

    if warehouse.backend == "duckdb":
        pytest.skip("DuckDB lets one process at a time open its file: no load can commit while "
                    "an export reads it (a load in another process waits for the file)")
    build(warehouse.db, tmp_path / "raw", end=date(2025, 3, 1), lines=5)
    engine = open_read_only(warehouse.db)
    count = text("select count(*) from dim_date")
    try:
        with engine.connect() as connection, engines.of(connection).one_snapshot(connection):
            before = connection.execute(count).scalar_one()
            warehouse.execute("insert into dim_date values (20990101, '2099-01-01', 2099, 1, 1, "
                              "'2099-01', 'January', 1, 4, 'Thursday', 0)")
            assert connection.execute(count).scalar_one() == before
        with engine.connect() as connection:
            assert connection.execute(count).scalar_one() == before + 1
    finally:
        engine.dispose()


def test_the_benchmark_exports_each_size(tmp_path, monkeypatch):
    from ecommerce_warehouse.bench import export_bench
    from ecommerce_warehouse.bench import sqlite_bench as bench

    result = CliRunner().invoke(warehouse_cli, ["bench", "--transactions", "1000", "--export", "--no-events",
                                                "--increment", "0", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (run,) = document["runs"]
    figures = run["export"]
    assert figures["status"] == "ok" and figures["fact_orders_rows"] == 1000
    assert figures["rows"] > 2000 and figures["peak_rss_bytes"] > 1_000_000 and figures["export_bytes"] > 0
    assert "export to Parquet: " in bench.format_report(document)
    monkeypatch.setattr(export_bench, "installed", lambda: False)
    skipped = export_bench.measure(tmp_path, tmp_path / "none.db", None, lambda line: None)
    assert skipped["status"] == "skipped" and "pip install 'ecommerce-warehouse[export]'" in skipped["note"]


def test_rows_stream_in_batches_of_the_size_asked(warehouse, tmp_path):  # noqa: F811
    """The engine hands rows over a batch at a time (PostgreSQL: a server-side cursor), so
    an export holds one batch, never the whole table."""
    from sqlalchemy import text

    from ecommerce_warehouse import engines
    from ecommerce_warehouse.db import open_read_only

    build(warehouse.db, tmp_path / "raw", end=date(2025, 3, 1), lines=20)
    engine = open_read_only(warehouse.db)
    try:
        with engine.connect() as connection, engines.of(connection).one_snapshot(connection):
            sizes = [len(rows) for rows in engines.of(connection).stream_rows(
                connection, text("select * from fact_orders"), 7)]
            total = connection.execute(text("select count(*) from fact_orders")).scalar_one()
    finally:
        engine.dispose()
    assert sum(sizes) == total > 14
    assert max(sizes) == 7 and len(sizes) == -(-total // 7)


def test_iceberg_as_the_docs_write_it(tmp_path, monkeypatch):
    """`warehouse export --format iceberg --catalog sqlite:///data/export/catalog.db`, run
    from the project's folder: the catalog beside the default data/export/iceberg/."""
    monkeypatch.chdir(tmp_path)
    build("w.db", tmp_path / "raw", end=date(2025, 3, 1), lines=5)
    for _ in range(2):
        result = CliRunner().invoke(warehouse_cli, ["export", "--db", "w.db", "--format", "iceberg", "--catalog",
                                                    "sqlite:///data/export/catalog.db", "--tables", "dim_date"])
        assert result.exit_code == 0, result.output
    table = iceberg_catalog("sqlite:///data/export/catalog.db", tmp_path / "data/export/iceberg").load_table(
        ("ecommerce", "dim_date"))
    assert len(table.snapshots()) == 2 and len(table.metadata.schemas) == 1
    assert Path(table.location()).resolve().is_relative_to((tmp_path / "data/export/iceberg").resolve())


# Columns whose values are each warehouse's own (when it loaded, which run): two warehouses
# loaded from the same files differ there, and so do the Gold ratios PostgreSQL computes as
# numeric where SQLite divides reals (shares of a month or of the lines: the last digit).
LOAD_COLUMNS = {"loaded_at", "created_at", "updated_at", "batch_id"}
NUMERIC_RATIOS = {"gold_category_sales_monthly", "gold_order_status"}


def test_the_same_loads_export_the_same_content_from_every_engine(tmp_path):
    """SQLite and PostgreSQL, loaded from the same files, export tables with the same
    content digests: the engines' values (ISO text or datetime, float or Decimal) become
    the very same Arrow values."""
    from backends import open_backend, require_postgres

    require_postgres()
    build(str(tmp_path / "w.db"), tmp_path / "raw", end=date(2025, 3, 1))
    files = sorted((tmp_path / "raw").glob("*_2025*.json*"))
    server = open_backend("postgresql", tmp_path)
    try:
        wh = server.warehouse()
        wh.load(*files, source=None)
        export(str(tmp_path / "w.db"), tmp_path / "from_sqlite")
        export(wh.db, tmp_path / "from_postgresql")
    finally:
        server.close()
    ours, theirs = manifest(tmp_path / "from_sqlite")["tables"], manifest(tmp_path / "from_postgresql")["tables"]
    compared = 0
    for item in TABLES:
        assert ours[item.name]["rows"] == theirs[item.name]["rows"], item.name
        assert ours[item.name]["cents_sums"] == theirs[item.name]["cents_sums"], item.name
        if LOAD_COLUMNS & {c.name for c in item.columns} or item.name in NUMERIC_RATIOS:
            continue
        assert ours[item.name]["content_digest"] == theirs[item.name]["content_digest"], item.name
        compared += 1
    assert compared >= 12


def test_the_cli_starts_without_the_export_libraries():
    """pyarrow and pyiceberg (the [export] extra) load only when `warehouse export` runs."""
    import subprocess
    import sys

    code = ("import sys, ecommerce_warehouse.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pyarrow', 'pyiceberg', 'duckdb') or m.startswith('ecommerce_warehouse.export')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", f"starting the CLI imported {loaded.stdout.strip()}"
