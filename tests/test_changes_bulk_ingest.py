"""A big change-event file is loaded without raw_changes' indexes, which are built again after.

What a user relies on: a bulk file gives the same Bronze rows, duplicates and rejects as the
same file loaded record by record into indexed tables, and the indexes are there afterwards
(the duplicate check and the merge read them). After a bulk file, and in a run as large as
the history before it, the index is read once in its order to find an event loaded twice,
instead of a look-up per event: the same verdicts.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from backends import backend  # noqa: F401  (fixtures)
from ecommerce_warehouse import sources
from ecommerce_warehouse.engines import sqlite as sqlite_engine
from ecommerce_warehouse.load import ingest
from test_changes import T0, wrapped
from test_changes_wrapper import compact, lines_of_every_shape, paid

BRONZE = ("select raw_id, record_number, raw_text, schema_key, load_status, reject_reason, table_name, "
          "row_key, source_ts_ms, source_position, amount_cents from raw_changes order by raw_id")
INDEXES = {"sqlite": "select name from sqlite_master where type = 'index' and tbl_name = 'raw_changes' "
                     "and name like 'raw_changes_loaded%' order by name",
           "postgresql": "select indexname from pg_indexes where tablename = 'raw_changes' "
                         "and indexname like 'raw_changes_loaded%' and schemaname = current_schema() "
                         "order by indexname"}


def test_a_bulk_file_loads_the_same_rows_and_keeps_the_indexes(backend, tmp_path, monkeypatch):  # noqa: F811
    first = tmp_path / "changes_20250301.jsonl"
    first.write_text("\n".join(lines_of_every_shape()) + "\n")
    second = tmp_path / "changes_20250302.jsonl"      # a replay and a new event
    second.write_text(compact(wrapped(paid(1000, "PAY-1", T0))) + "\n"
                      + compact(wrapped(paid(9000, "PAY-9", T0))) + "\n")
    assert not ingest.is_bulk(sources.named("changes"), first, 0)

    by_record = backend.warehouse("by_record")
    for path in (first, second):
        assert by_record.load(path, source="changes").status == "succeeded"
    monkeypatch.setattr(ingest, "BULK_RECORDS", 0)
    monkeypatch.setattr(ingest, "BULK_RECORD_BYTES", 1)
    assert ingest.is_bulk(sources.named("changes"), second, 13)
    bulk = backend.warehouse("bulk")
    for path in (first, second):
        assert bulk.load(path, source="changes").status == "succeeded"

    assert bulk.rows(BRONZE) == by_record.rows(BRONZE)
    quarantine = "select raw_id, record_number, reason_code, field, message, raw_text from rejected_records order by raw_id"
    assert bulk.rows(quarantine) == by_record.rows(quarantine)
    assert [row[2] for row in bulk.rows(BRONZE)].count(None) == 0
    if backend.name in INDEXES:
        assert bulk.rows(INDEXES[backend.name]) == [("raw_changes_loaded_row",)]


def test_a_bulk_file_without_copies_skips_the_look_up_of_each_record(backend, tmp_path, monkeypatch):  # noqa: F811
    """After a bulk file, one pass over the identity index finds no event loaded twice, so
    the look-up of each record's earlier copies is not run; the rows are the same."""
    path = tmp_path / "changes_20250301.jsonl"
    path.write_text(compact(wrapped(paid(1000, "PAY-1", T0))) + "\n"
                    + compact(wrapped(paid(2000, "PAY-2", T0 + 1000))) + "\n")
    by_record = backend.warehouse("by_record")
    assert by_record.load(path, source="changes").status == "succeeded"
    monkeypatch.setattr(ingest, "BULK_RECORDS", 0)
    monkeypatch.setattr(ingest, "BULK_RECORD_BYTES", 1)
    asked = []
    real_query = ingest.query_sql

    def spied(connection, name, *args, **kwargs):
        asked.append(name)
        return real_query(connection, name, *args, **kwargs)

    monkeypatch.setattr(ingest, "query_sql", spied)
    bulk = backend.warehouse("bulk")
    assert bulk.load(path, source="changes").status == "succeeded"
    assert "ingest/any_change_copies" in asked
    assert "ingest/later_change_copies" not in asked
    assert bulk.rows(BRONZE) == by_record.rows(BRONZE)
    assert [row[4] for row in bulk.rows(BRONZE)] == ["loaded", "loaded"]


def test_one_loaded_copy_finds_an_event_loaded_twice_by_either_way(backend, tmp_path):  # noqa: F811
    """checks/raw_changes_one_loaded_copy reads the index in its order for a run at least as
    large as the history before it, and looks each event up for a smaller one: both find
    an event loaded twice when the run holds one of its copies, and nothing otherwise."""
    from ecommerce_warehouse.db import open_engine
    from ecommerce_warehouse.model.checks import CheckJob, check_parameters, run_checks

    first = tmp_path / "changes_20250301.jsonl"
    first.write_text(compact(wrapped(paid(1000, "PAY-1", T0))) + "\n"
                     + compact(wrapped(paid(2000, "PAY-2", T0 + 1000))) + "\n")
    second = tmp_path / "changes_20250302.jsonl"      # a replay of PAY-1, then PAY-3
    second.write_text(compact(wrapped(paid(1000, "PAY-1", T0))) + "\n"
                      + compact(wrapped(paid(3000, "PAY-3", T0 + 2000))) + "\n")
    warehouse = backend.warehouse()
    for path in (first, second):
        assert warehouse.load(path, source="changes").status == "succeeded"
    # a buggy tool marks the skipped replay loaded
    warehouse.execute("update raw_changes set load_status = 'loaded' where load_status = 'duplicate'")
    ids = [row[0] for row in warehouse.rows("select raw_id from raw_changes order by raw_id")]
    assert len(ids) == 4
    table, key, ts_ms, position = warehouse.rows(
        "select table_name, row_key, source_ts_ms, source_position from raw_changes where raw_id = ?",
        (ids[0],))[0]
    found = [{"change_id": f"{table}/{key}/{ts_ms}/{position}", "loaded_copies": 2}]

    engine = open_engine(warehouse.db, create=False)
    try:
        with engine.connect() as connection:
            def sample(after: int, through: int) -> list:
                job = CheckJob("checks/raw_changes_one_loaded_copy",
                               {**check_parameters(), "from_raw_id": after, "to_raw_id": through})
                return run_checks(connection, [job])[0].sample

            # in index order: everything, the second file, the first file, its second event
            assert sample(0, 2**62) == found
            assert sample(ids[1], ids[3]) == found
            assert sample(0, ids[0]) == found
            assert sample(ids[0], ids[1]) == []
            # one event at a time, looked up: the replay, then PAY-3
            assert sample(ids[1], ids[2]) == found
            assert sample(ids[2], ids[3]) == []
    finally:
        engine.dispose()


def test_the_indexes_of_a_bulk_file_are_built_with_helper_threads_then_none_again(tmp_path):
    """SQLite's sorter may use the idle core while a bulk file's indexes are built; the
    connection goes back to its own setting afterwards, error or not, and no other step of
    the ingest gets helpers."""
    engine = create_engine(f"sqlite:///{tmp_path / 'w.db'}")

    def threads(connection) -> int:
        return int(connection.exec_driver_sql("pragma threads").scalar())

    tuning = sqlite_engine.ENGINE.ingest_tuning
    with engine.connect() as connection:
        before = threads(connection)
        with tuning(connection, "indexes"):
            assert threads(connection) == sqlite_engine.INDEX_SORT_THREADS
        assert threads(connection) == before
        for step in ("records", "copies"):
            with tuning(connection, step):
                assert threads(connection) == before
        with pytest.raises(RuntimeError), tuning(connection, "indexes"):
            raise RuntimeError("the index failed")
        assert threads(connection) == before
