"""A record's digest exists for every record a contract keeps, even one orjson cannot write.

The digest (``record_hash``) names a change event of a table the warehouse does not model,
gives a page view without an ``event_id`` its derived id, and tells an identical copy from a
conflicting one. A record orjson refuses to decode (a NaN in it) is decoded by the lenient
decoder, which can make an integer beyond 64 bits; orjson cannot write that integer back.
Such a record must load (or be counted as a duplicate) like any other, never end the
ingest with a traceback.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import rows
from ecommerce_warehouse.cli import warehouse
from ecommerce_warehouse.load.records import decode, record_hash
from ecommerce_warehouse.sources.events import contract

# An integer just beyond 64 bits, beside a NaN (which is what sends the record to the
# lenient decoder): in a field the contract keeps without reading.
ODD_FIELDS = '"coupon_id":-9223372036854775809,"score":NaN'


def ingest(db: Path, path: Path):
    return CliRunner().invoke(warehouse, ["ingest", "--db", str(db), str(path)])


def test_a_change_event_of_an_unmodelled_table_with_a_huge_integer_loads_once(tmp_path):
    event = ('{"op":"c","source":{"table":"coupons","ts_ms":1740819660000,"lsn":3},'
             '"ts_ms":1740819660007,"after":{' + ODD_FIELDS + ',"code":"SPRING"}}')
    path = tmp_path / "changes_20250401.jsonl"
    path.write_text(event + "\n" + event + "\n", encoding="utf-8")
    db = tmp_path / "w.db"

    result = ingest(db, path)

    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "1 loaded + 1 duplicates + 0 rejected" in result.output
    loaded = rows(db, "select table_name, known_table, load_status, raw_text from raw_changes "
                      "order by raw_id")
    assert loaded == [("coupons", 0, "loaded", event), ("coupons", 0, "duplicate", event)]


def test_a_page_view_without_an_id_with_a_huge_integer_gets_its_derived_id(tmp_path):
    view = ('{"timestamp":"2025-03-25T10:00:00Z","page_url":"https://shop.example/",'
            '"anonymous_id":"A1",' + ODD_FIELDS + '}')
    path = tmp_path / "events_20250325.jsonl"
    path.write_text(view + "\n" + view + "\n", encoding="utf-8")
    db = tmp_path / "w.db"

    result = ingest(db, path)

    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "1 loaded + 1 duplicates + 0 rejected" in result.output
    ids = rows(db, "select event_id, event_id_derived, load_status from raw_events order by raw_id")
    derived = contract.DERIVED_PREFIX + record_hash(decode(view))
    assert ids == [(derived, 1, "loaded"), (derived, 1, "duplicate")]
