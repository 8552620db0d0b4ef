"""A wrapped change event's schema is kept once, and every record's received text comes back.

Kafka Connect's JSON converter sends the same ~1.8 KB schema with every event of a table.
Bronze keeps a record of the exact shape ``{"schema":<S>,"payload":<P>}`` as P's text and
S's key (S once in raw_change_schemas); ``raw_changes_received`` must give every record's
text as read from the file, byte for byte, whatever its shape, on every engine; the
verdicts, the quarantine's text and the duplicate rules stay those of the whole record.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from backends import backend, duckdb_connect, require_duckdb, warehouse  # noqa: F401  (fixtures)
from ecommerce_warehouse import settings
from ecommerce_warehouse.load.records import decode
from ecommerce_warehouse.model import schema
from ecommerce_warehouse.sources.changes import contract
from test_changes import HOUR, T0, event, order, payment, precise, wrapped


def compact(value) -> str:
    """JSON as Kafka Connect writes it: no spaces, UTF-8 as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def paid(cents: int, payment_id: str, at: int, status: str = "captured") -> dict:
    return event("payments", "c", {**payment(status, cents, at, payment_id), "amount": precise(cents)}, at, 5)


def lines_of_every_shape() -> list[str]:
    """Records in and out of the exact wrapper shape, valid and not."""
    other_schema = wrapped(paid(250, "PAY-B", T0), amount_scale=2, created_name="io.debezium.time.Timestamp")
    other_schema["payload"]["after"]["created_at"] = T0
    null_schema = {"schema": None, "payload": event("orders", "c", order("placed", T0, order_id="ORD-N"), T0, 9)}
    return [
        compact(wrapped(paid(1000, "PAY-1", T0))),                         # the exact shape
        compact(wrapped(paid(2000, "PAY-2", T0 + HOUR))),                  # the same schema again
        compact(wrapped(paid(1000, "PAY-1", T0))),                         # a replay: a duplicate
        compact(other_schema),                                             # a second schema
        json.dumps(wrapped(paid(3000, "PAY-3", T0))),                      # with spaces: kept whole
        compact({"payload": paid(4000, "PAY-4", T0),                       # payload first: kept whole
                 "schema": wrapped({})["schema"]}),
        compact(wrapped(paid(5000, "PAY-5", T0, status="lost"))),          # rejected, exact shape
        compact(wrapped(paid(6000, "PAY-6", T0))).replace('"op":"c"', '"op":"c","op":"c"'),  # duplicate_key
        compact(wrapped(paid(7000, "PAY-7", T0))).replace('"ts_ms":', '"ts_ms": ', 1),  # a space in P
        compact(null_schema),                                              # a null schema
        compact(wrapped({**paid(8000, "PAY-8", T0), "note": "café ✓"})),  # UTF-8 in P
        compact(event("orders", "c", order("placed", T0), T0, 1)),         # a bare event
        '{"schema":',                                                      # not JSON
    ]


def received(warehouse) -> dict[int, str]:  # noqa: F811
    return dict(warehouse.rows("select record_number, received_text from raw_changes_received"))


def test_every_record_comes_back_byte_for_byte_and_the_schemas_are_kept_once(warehouse, tmp_path):  # noqa: F811
    lines = lines_of_every_shape()
    path = tmp_path / "changes_20250301.jsonl"
    path.write_bytes(("\n".join(lines) + "\r\n").encode("utf-8"))
    result = warehouse.load(path, source="changes")
    assert result.status == "succeeded", result.error

    assert received(warehouse) == {number: line for number, line in enumerate(lines, start=1)}
    # the exact shape with a schema (whatever the verdict) is kept as payload + key
    kept_apart = {number for (number,) in warehouse.rows(
        "select record_number from raw_changes where schema_key is not null")}
    assert kept_apart == {1, 2, 3, 4, 7, 10, 11}
    for number, text in warehouse.rows("select record_number, raw_text from raw_changes "
                                       "where schema_key is not null"):
        assert lines[number - 1].endswith("," + '"payload":' + text + "}")
    schemas = warehouse.rows("select schema_key, schema_text from raw_change_schemas")
    assert len(schemas) == 3                      # payments twice (two encodings), and null
    assert {key for key, _ in schemas} == {contract.wrapper.schema_key(text.encode()) for _, text in schemas}

    # the verdicts are those of the whole record
    statuses = dict(warehouse.rows("select record_number, load_status from raw_changes"))
    assert statuses == {1: "loaded", 2: "loaded", 3: "duplicate", 4: "loaded", 5: "loaded", 6: "loaded",
                        7: "rejected", 8: "rejected", 9: "loaded", 10: "loaded", 11: "loaded",
                        12: "loaded", 13: "rejected"}
    names = ", ".join(contract.COLUMNS[:-1])
    for number, *typed in warehouse.rows(f"select record_number, {names} from raw_changes "
                                         "where load_status = 'loaded'"):
        expected, rejection = contract.check(decode(lines[number - 1]))
        assert rejection is None
        assert typed[:7] == list(expected[:7]), number    # the envelope; then the integers (times
        assert [v for v in typed[7:] if isinstance(v, int)] == [     # are typed per engine)
            v for v in expected[7:-1] if isinstance(v, int)], number

    # the quarantine shows the whole record as received
    quarantined = dict(warehouse.rows("select record_number, raw_text from rejected_records "
                                      "where source = 'changes'"))
    assert quarantined == {7: lines[6], 8: lines[7], 13: lines[12]}
    reasons = dict(warehouse.rows("select record_number, reject_reason from raw_changes "
                                  "where load_status = 'rejected'"))
    assert reasons == {7: "unknown_status", 8: "duplicate_key", 13: "invalid_json"}


def test_a_replay_in_a_later_file_is_a_duplicate_and_a_changed_copy_conflicts(warehouse, tmp_path):  # noqa: F811
    first = tmp_path / "changes_20250301.jsonl"
    first.write_text(compact(wrapped(paid(1000, "PAY-1", T0))) + "\n" + compact(wrapped(paid(2000, "PAY-2", T0))) + "\n")
    assert warehouse.load(first, source="changes").status == "succeeded"
    replay = tmp_path / "changes_20250302.jsonl"
    changed = wrapped(paid(2000, "PAY-2", T0))
    changed["payload"]["ts_ms"] += 1              # the same event id, other content
    replay.write_text(compact(wrapped(paid(1000, "PAY-1", T0))) + "\n" + compact(changed) + "\n")
    result = warehouse.load(replay, source="changes")
    assert result.status == "succeeded", result.error
    assert warehouse.rows("select record_number, load_status, reject_reason from raw_changes "
                          "where raw_id > 2 order by raw_id") == [
        (1, "duplicate", None), (2, "rejected", "conflicting_duplicate")]
    assert warehouse.rows("select raw_text from rejected_records") == [(compact(changed),)]
    assert warehouse.rows("select count(*) from raw_change_schemas") == [(1,)]
    # the identity is not stored as one text: the message, the quarantine's key and the view
    # make change_id from the four columns, the same on every engine
    change_id = "/".join(str(value) for value in warehouse.rows(
        "select table_name, row_key, source_ts_ms, source_position from raw_changes where raw_id = 4")[0])
    assert change_id.startswith("payments/PAY-2/")
    assert warehouse.rows("select reject_field, reject_message from raw_changes where raw_id = 4") == [
        ("change_id", (f"change_id {change_id} was already loaded with different content (first version: "
                       f"{first}, record 2); the first version is kept"))]
    assert warehouse.rows("select record_key from rejected_records") == [(change_id,)]
    assert warehouse.rows("select change_id from raw_changes_received where raw_id in (2, 4)") == [
        (change_id,), (change_id,)]


def test_a_json_array_file_is_kept_the_same_way(warehouse, tmp_path):  # noqa: F811
    records = [compact(wrapped(paid(100 * n, f"PAY-{n}", T0 + n))) for n in range(1, 4)]
    path = tmp_path / "changes_20250301.json"
    path.write_text("[\n" + ",\n".join(records) + "\n]\n")
    assert warehouse.load(path, source="changes").status == "succeeded"
    assert received(warehouse) == {n: text for n, text in enumerate(records, start=1)}
    assert warehouse.rows("select count(*) from raw_changes where schema_key is not null") == [(3,)]


def connect(engine: str, db: Path):
    if engine == "duckdb":
        return duckdb_connect(str(db))
    return sqlite3.connect(db)


@pytest.mark.parametrize("engine", ["sqlite", "duckdb"])
def test_rows_loaded_before_the_upgrade_keep_their_whole_text(engine, tmp_path, monkeypatch):
    """A version-3 warehouse's rows keep their whole text; a compact copy loaded after the
    upgrade is still a counted duplicate of the same record."""
    from test_migrations import invoke

    if engine == "duckdb":
        require_duckdb()
    for name in (settings.DB_ENVVAR, settings.SCHEMA_ENVVAR, settings.WAIT_ENVVAR):
        monkeypatch.delenv(name, raising=False)
    line = compact(wrapped(paid(1000, "PAY-1", T0)))
    db = tmp_path / f"v3.{engine}"
    url = f"duckdb:///{db}" if engine == "duckdb" else str(db)
    built = invoke("run", "--db", url, "--raw-dir", tmp_path / "raw", "--date", "2025-03-01", "--no-changes",
                   "--no-events")
    assert built.exit_code == 0, built.output
    connection = connect(engine, db)          # what version 3 left: no schema_key, whole texts,
    try:                                      # change_id stored (and indexed, on SQLite)
        connection.execute("drop view raw_changes_received")
        connection.execute("delete from etl_views where view_name = 'raw_changes_received'")
        connection.execute("drop table raw_change_schemas")
        connection.execute("alter table raw_changes drop column schema_key")
        connection.execute("alter table raw_changes add column change_id text")
        if engine == "sqlite":
            connection.execute("create index raw_changes_loaded_change_id on raw_changes (change_id)"
                               " where load_status = 'loaded'")
        connection.execute(f"update etl_schema_versions set version = 3 where version = {schema.VERSION}")
        (file_id,) = connection.execute("select min(file_id) from etl_files").fetchone()
        columns, _ = contract.check(decode(line))
        named = dict(zip(contract.COLUMNS, columns))
        named["change_id"] = "/".join(str(named[name]) for name in (
            "table_name", "row_key", "source_ts_ms", "source_position"))
        connection.execute(
            "insert into raw_changes (raw_id, batch_id, source_file, record_number, raw_text, load_status,"
            " change_id, table_name, known_table, op, row_key, source_ts_ms, source_position, loaded_at)"
            " values (1, ?, 'old.jsonl', 1, ?, 'loaded', ?, 'payments', 1, 'c', 'PAY-1', ?, 5,"
            " '2025-03-01T00:00:00Z')", (file_id, line, named["change_id"], named["source_ts_ms"]))
        connection.commit()
    finally:
        connection.close()

    upgraded = invoke("upgrade", "--db", url)
    assert upgraded.exit_code == 0, upgraded.output
    assert "(0004_change_schemas, 0005_change_identity)" in upgraded.output, upgraded.output
    connection = connect(engine, db)          # version 5: change_id no longer stored, nor indexed
    try:
        assert "change_id" not in [row[1] for row in connection.execute(
            "select * from pragma_table_info('raw_changes')").fetchall()]
        if engine == "sqlite":
            assert connection.execute("select name from sqlite_master where type = 'index'"
                                      " and name = 'raw_changes_loaded_change_id'").fetchall() == []
        assert connection.execute("select change_id from raw_changes_received").fetchall() == [
            (named["change_id"],)]
    finally:
        connection.close()
    path = tmp_path / "changes_20250302.jsonl"
    path.write_text(line + "\n")
    loaded = invoke("ingest", "--db", url, path)
    assert loaded.exit_code == 0, loaded.output
    connection = connect(engine, db)
    try:
        assert connection.execute(
            "select raw_id, case when raw_changes.schema_key is null then 1 else 0 end,"
            " raw_changes.load_status, case when received_text = raw_text then 1 else 0 end"
            " from raw_changes_received join raw_changes using (raw_id) order by raw_id"
        ).fetchall() == [(1, 1, "loaded", 1), (2, 0, "duplicate", 0)]
        assert connection.execute("select received_text from raw_changes_received order by raw_id").fetchall() == [
            (line,), (line,)]
    finally:
        connection.close()
