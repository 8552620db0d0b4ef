"""Input kinds are declared, not hard-wired: a new kind is its files and one declaration.

The test declares a toy kind, ``clicks`` (one JSON object per click: click_id, timestamp,
page), with its own contract, Bronze table, fact, check and counts, written as SQL files
beside the project's own, and registers it the way a real kind is registered (one entry
in ``sources.SOURCES``). Without touching any other code, the pipeline then loads a
clicks file and an order-line file in one run: each lands in its own Bronze table, the
quarantine, the file registry, the watermarks, the checks, ``status`` and ``rejects``
cover both kinds, and a second run changes nothing.
"""

from __future__ import annotations

import json
import shutil
import types
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SQL_DIR, line, rows
from ecommerce_warehouse import sources, sqlfiles
from ecommerce_warehouse.cli import warehouse
from ecommerce_warehouse.load.records import (
    BAD_TIMESTAMP,
    INVALID_JSON,
    MISSING_FIELD,
    NOT_AN_OBJECT,
    Refused,
    Rejection,
    json_kind,
    required_string,
    utc_timestamp,
)
from ecommerce_warehouse.pipeline import PipelineOptions, run_pipeline
from ecommerce_warehouse.sources.declaration import IngestSql, Source, TransformStep

# --- the toy kind's contract: a module with COLUMNS, REASON_CODES, judge, decode_fast -----------

COLUMNS = ("click_id", "event_ts", "page")


def judge(record):
    if record.error is not None:
        return (None,) * len(COLUMNS), record.error
    value = record.value
    if not isinstance(value, dict):
        return (None,) * len(COLUMNS), Rejection(NOT_AN_OBJECT, None, f"record is a JSON {json_kind(value)}")
    try:
        click_id = required_string(value, "click_id", "click_id")
        stamp = required_string(value, "timestamp", "timestamp")
        try:
            moment = utc_timestamp(stamp)
        except ValueError:
            raise Refused(BAD_TIMESTAMP, "timestamp", f"timestamp {stamp!r} is not ISO-8601") from None
        return (click_id, moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                required_string(value, "page", "page")), None
    except Refused as refused:           # the quarantine keeps the record's id when it has one
        key = value.get("click_id")
        return (key if isinstance(key, str) else None, None, None), refused.rejection


CONTRACT = types.ModuleType("clicks_contract")
CONTRACT.COLUMNS = COLUMNS
CONTRACT.REASON_CODES = (INVALID_JSON, NOT_AN_OBJECT, MISSING_FIELD, BAD_TIMESTAMP)
CONTRACT.judge = judge
CONTRACT.decode_fast = None

# --- its SQL files, one object or statement per file --------------------------------------------

TOY_SQL = {
    "schema/raw_clicks": """-- raw_clicks: Bronze of the toy kind (grain: one row per input record)
create table if not exists raw_clicks (
    raw_id integer primary key, batch_id integer not null references etl_files (file_id),
    source_file text not null, loaded_at text not null, record_number integer not null,
    raw_text text not null, record_hash text, load_status text not null,
    reject_reason text, reject_field text, reject_message text,
    click_id text, event_ts text, page text
);
""",
    "schema/fact_clicks": """-- fact_clicks: one row per click (grain: one row per click_id)
create table if not exists fact_clicks (
    click_key integer primary key, click_id text not null unique, event_ts text not null,
    page text not null
);
""",
    "ingest/insert_raw_click": """-- insert_raw_click: every record of a clicks file
insert into raw_clicks (raw_id, batch_id, source_file, loaded_at, record_number, raw_text,
    load_status, click_id, event_ts, page)
values (:raw_id, :batch_id, :source_file, :loaded_at, :record_number, :raw_text,
    :load_status, :click_id, :event_ts, :page)
""",
    "ingest/set_click_reject_reason": """-- set_click_reject_reason: why a click was refused
update raw_clicks set reject_reason = :reject_reason, reject_field = :reject_field,
    reject_message = :reject_message where raw_id = :raw_id
""",
    "ingest/later_click_copies": """-- later_click_copies: the toy kind keeps every copy (none found)
select raw_id, raw_text, raw_id as original_raw_id, raw_text as original_raw_text,
    record_hash as original_record_hash
from raw_clicks where raw_id > :after_raw_id and 1 = 0 limit :page_size
""",
    "ingest/set_click_record_hash": """-- set_click_record_hash: a click's digest
update raw_clicks set record_hash = :record_hash where raw_id = :raw_id
""",
    "ingest/mark_later_click_copies": """-- mark_later_click_copies: nothing to demote in the toy kind
update raw_clicks set load_status = load_status where raw_id > :after_raw_id and 1 = 0
""",
    "ingest/copy_click_rejects": """-- copy_click_rejects: quarantine a clicks file's rejects
insert into rejected_records (source, raw_id, batch_id, source_file, record_number,
    reason_code, field, message, record_key, raw_text, rejected_at)
select 'clicks', raw_id, batch_id, source_file, record_number, reject_reason, reject_field,
    reject_message, click_id, raw_text, loaded_at
from raw_clicks where raw_id > :after_raw_id and load_status = 'rejected'
""",
    "ingest/last_click_raw_id": """-- last_click_raw_id: where a clicks file's raw_ids start
select coalesce(max(raw_id), 0) as last_raw_id from raw_clicks
""",
    "transform/raw_clicks_high_water": """-- raw_clicks_high_water: the newest click in Bronze
select coalesce(max(raw_id), 0) as high_water from raw_clicks
""",
    "transform/fact_clicks": """-- fact_clicks: append the run's valid clicks (grain: one row per click_id)
insert into fact_clicks (click_key, click_id, event_ts, page)
select (select coalesce(max(click_key), 0) from fact_clicks)
        + row_number() over (order by raw_id), click_id, event_ts, page
from raw_clicks
where raw_id > :from_raw_id and raw_id <= :to_raw_id and load_status = 'loaded'
on conflict (click_id) do nothing
""",
    "checks/fact_clicks_reconcile": """-- fact_clicks_reconcile: every loaded click of the run is a fact
-- severity: error
select raw.raw_id from raw_clicks as raw
where raw.raw_id > :from_raw_id and raw.raw_id <= :to_raw_id and raw.load_status = 'loaded'
  and not exists (select 1 from fact_clicks as fact where fact.click_id = raw.click_id)
""",
    "runs/clicks_counts": """-- clicks_counts: the toy kind's rows for run summaries
select (select count(*) from fact_clicks) as fact_clicks
""",
}

CLICKS = Source(
    name="clicks",
    title="clicks (a toy kind declared by a test)",
    contract=CONTRACT,
    bronze="raw_clicks",
    high_water="transform/raw_clicks_high_water",
    ingest=IngestSql(
        insert="ingest/insert_raw_click", set_reject_reason="ingest/set_click_reject_reason",
        later_copies="ingest/later_click_copies", set_record_hash="ingest/set_click_record_hash",
        mark_later_copies="ingest/mark_later_click_copies", copy_rejects="ingest/copy_click_rejects",
        last_raw_id="ingest/last_click_raw_id"),
    schema=("schema/raw_clicks", "schema/fact_clicks"),
    views=(),
    transform=(TransformStep("transform/fact_clicks"),),
    checks=("checks/fact_clicks_reconcile",),
    counts="runs/clicks_counts",
)


@pytest.fixture
def with_clicks(tmp_path, monkeypatch):
    """The project's SQL plus the toy kind's files, and the toy kind declared."""
    root = tmp_path / "sql"
    shutil.copytree(SQL_DIR, root)
    for name, text in TOY_SQL.items():
        (root / f"{name}.sql").write_text(text, encoding="utf-8")
    monkeypatch.setattr(sqlfiles, "SQL_ROOT", root)
    monkeypatch.setattr(sources, "SOURCES", (*sources.SOURCES, CLICKS))
    sqlfiles.statements.cache_clear()
    yield
    sqlfiles.statements.cache_clear()


def write_lines(path: Path, records: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records),
                    encoding="utf-8")
    return path


def test_a_new_kind_is_its_files_and_one_declaration(with_clicks, tmp_path):
    clicks = write_lines(tmp_path / "clicks_20250301.jsonl", [
        {"click_id": "C1", "timestamp": "2025-03-01T10:00:00+01:00", "page": "/"},
        {"click_id": "C2", "timestamp": "2025-03-01T10:01:00Z", "page": "/p/1"},
        {"click_id": "C3", "timestamp": "yesterday", "page": "/cart"},
        "not json",
    ])
    orders = write_lines(tmp_path / "transactions_20250301.jsonl", [line("T1", "2025-03-01")])
    db = tmp_path / "w.db"
    options = PipelineOptions(db=str(db), start=date(2025, 3, 1), end=date(2025, 3, 1), seed=1,
                              transactions=0, raw_dir=tmp_path, inputs=(clicks, orders))

    result = run_pipeline(options)

    assert result.status == "succeeded", result.error
    assert [(f.source, f.records_read, f.records_loaded, f.records_rejected) for f in result.files] == [
        ("clicks", 4, 2, 2), ("transactions", 1, 1, 0)]
    assert rows(db, "select click_key, click_id, event_ts from fact_clicks order by click_key") == [
        (1, "C1", "2025-03-01T09:00:00.000000Z"), (2, "C2", "2025-03-01T10:01:00.000000Z")]
    assert rows(db, "select count(*) from fact_orders") == [(1,)]
    assert rows(db, "select source, record_key, reason_code from rejected_records order by source, raw_id") == [
        ("clicks", "C3", "bad_timestamp"), ("clicks", None, "invalid_json")]
    assert rows(db, "select source, from_raw_id, through_raw_id from etl_watermarks order by source") == [
        ("clicks", 0, 4), ("transactions", 0, 1)]
    assert rows(db, "select source, status from etl_files order by file_id") == [
        ("clicks", "loaded"), ("transactions", "loaded")]
    checked = {c.name: c.status for c in result.transform.checks}
    assert checked["fact_clicks_reconcile"] == "pass" and checked["silver_fact_reconcile"] == "pass"
    assert result.tables["fact_clicks"] == 2 and result.tables["fact_orders"] == 1
    assert result.transform.as_dict()["sources"] == {
        "clicks": {"from_raw_id": 0, "to_raw_id": 4}, "transactions": {"from_raw_id": 0, "to_raw_id": 1}}

    cli = CliRunner()
    status = json.loads(cli.invoke(warehouse, ["status", "--db", str(db), "--json"]).stdout)
    assert {(r["source"], r["reason_code"]) for r in status["rejects"]} == {
        ("clicks", "bad_timestamp"), ("clicks", "invalid_json")}
    assert any(o["name"] == "raw_clicks" and o["rows"] == 4 for o in status["objects"])
    rejects = json.loads(cli.invoke(warehouse, ["rejects", "--db", str(db), "--json"]).stdout)
    assert {r["source"] for r in rejects["by_reason_and_file"]} == {"clicks"}

    again = run_pipeline(options)
    assert again.transform.nothing_new and [f.status for f in again.files] == ["already_loaded"] * 2


def test_a_file_of_each_kind_goes_to_its_own_bronze_by_its_name(with_clicks, tmp_path):
    assert sources.of_file(Path("clicks_20250301.json")).name == "clicks"
    assert sources.of_file(Path("transactions_20250301.json")).name == "transactions"
    assert sources.of_file(Path("anything.json"), "clicks").name == "clicks"
    with pytest.raises(Exception, match="kinds: transactions, events, changes, clicks"):
        sources.of_file(Path("orders.json"))
