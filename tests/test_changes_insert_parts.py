"""A valid change event of a modelled table binds only its table's columns (load/parts.py).

What a user relies on: Bronze holds the same rows whichever insert wrote them, on every
engine (rejects, duplicates, unknown tables, wrapped records and deletes included), and no
column a table's event fills is left out of its table's insert file.
"""

from __future__ import annotations

from datetime import date

from backends import backend  # noqa: F401  (fixtures)
from ecommerce_warehouse import sources
from ecommerce_warehouse.generate import changes as changes_generator
from ecommerce_warehouse.load import ingest, parts
from ecommerce_warehouse.load.reader import read_records
from ecommerce_warehouse.sources.changes import contract
from test_changes import T0, event, order, product
from test_changes_wrapper import compact, lines_of_every_shape

EVERY_COLUMN = ", ".join(("raw_id", "record_number", "raw_text", "load_status", "reject_reason",
                          "reject_field", "reject_message", "record_hash", *contract.COLUMNS))


def generated_lines(tmp_path) -> list[str]:
    days = changes_generator.generate(date(2025, 3, 1), date(2025, 3, 4), 40, 5, tmp_path / "generated",
                                      dirty_rate=0.05)
    return [line for path, _ in days for line in path.read_text("utf-8").splitlines()]


def other_lines() -> list[str]:
    """Deletes, an event of a table the warehouse does not model, a product, a replay."""
    return [compact(event("orders", "d", {"order_id": "ORD-D"}, T0, 21, before={"order_id": "ORD-D"})),
            compact(event("coupons", "c", {"code": "SPRING"}, T0, 22)),
            compact(event("products", "u", product("12.00"), T0, 23)),
            compact(event("products", "d", {"product_id": "P-1"}, T0, 24, before={"product_id": "P-1"})),
            compact(event("orders", "c", order("placed", T0, order_id="ORD-R"), T0, 25)),
            compact(event("orders", "c", order("placed", T0, order_id="ORD-R"), T0, 25))]


def test_each_table_fills_only_the_columns_of_its_insert_file(tmp_path):
    path = tmp_path / "changes_20250301.jsonl"
    path.write_text("\n".join(generated_lines(tmp_path) + lines_of_every_shape() + other_lines()) + "\n",
                    "utf-8")
    seen = set()
    for record in read_records(path, contract.decode_fast):
        columns, rejection = contract.judge(record)
        table = columns[contract.COLUMNS.index(contract.PART_COLUMN)]
        if rejection is not None or table not in contract.PARTS:
            continue
        seen.add(table)
        filled = {name for name, value in zip(contract.COLUMNS, columns, strict=True) if value is not None}
        assert filled <= set(contract.PARTS[table]), (record.text, filled - set(contract.PARTS[table]))
    assert seen == set(contract.PARTS)
    # each part's file binds exactly the batch columns and its part's columns
    declared = dict(sources.named("changes").ingest.insert_parts)
    assert set(declared) == set(contract.PARTS)


def test_bronze_is_the_same_through_the_parts_as_through_the_whole_insert(backend, tmp_path, monkeypatch):  # noqa: F811
    path = tmp_path / "changes_20250301.jsonl"
    path.write_text("\n".join(generated_lines(tmp_path) + lines_of_every_shape() + other_lines()) + "\n",
                    "utf-8")
    writers = []

    def spied(connection, source, columns, batch_columns):
        writer = parts.insert_writer(connection, source, columns, batch_columns)
        writers.append(writer)
        return writer

    monkeypatch.setattr(ingest, "insert_writer", spied)
    by_part = backend.warehouse("by_part")
    assert by_part.load(path, source="changes").status == "succeeded"
    # SQLite binds each row's parameters: the parts are used; COPY and DuckDB's chunks keep the whole
    assert (type(writers[0]) is parts.InsertParts) == (backend.name == "sqlite")

    monkeypatch.setattr(ingest, "insert_writer", lambda connection, source, columns, _batch:
                        ingest.bulk_writer(connection, source.ingest.insert, columns))
    whole = backend.warehouse("whole")
    assert whole.load(path, source="changes").status == "succeeded"

    bronze = f"select {EVERY_COLUMN} from raw_changes order by raw_id"
    assert by_part.rows(bronze) == whole.rows(bronze)
    statuses = {row[3] for row in by_part.rows(bronze)}
    assert statuses == {"loaded", "duplicate", "rejected"}
    quarantine = "select raw_id, record_number, reason_code, field, message from rejected_records order by raw_id"
    assert by_part.rows(quarantine) == whole.rows(quarantine)
