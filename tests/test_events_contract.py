"""The page-view contract (docs/EVENTS.md): what a record must look like, each reason code,
the typed columns, the derived event_id, and that the fast path never changes a verdict."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import depth
from ecommerce_warehouse.load.records import RawRecord, record_hash
from ecommerce_warehouse.sources.events import contract
from ecommerce_warehouse.sources.events.urls import page_url, referrer_host

VALID = {
    "event_id": "e-1", "timestamp": "2025-03-01T10:00:00.250+01:00",
    "page_url": "https://Shop.Example.com/p/P0001/?utm_source=g&utm_medium=CPC&utm_campaign=spring",
    "anonymous_id": "A-1", "referrer": "https://www.google.com/search?q=mug", "ip": "2001:db8::1",
    "user_agent": "Mozilla/5.0",
}


def judged(value) -> tuple[dict, object]:
    """Judge a record the way the ingest does: its text, through the fast decoder first."""
    text = json.dumps(value)
    record = RawRecord(1, text, contract.decode_fast(text) or json.loads(text))
    columns, rejection = contract.judge(record)
    return dict(zip(contract.COLUMNS, columns)), rejection


def test_a_valid_page_view_is_typed_into_its_columns():
    columns, rejection = judged(VALID)

    assert rejection is None
    assert columns == {
        "event_id": "e-1", "event_id_derived": 0,
        "event_ts": "2025-03-01T09:00:00.250000Z", "event_date": "2025-03-01", "date_key": 20250301,
        "event_epoch_us": 1740819600250000,
        "page_url": VALID["page_url"], "page_host": "shop.example.com", "page_path": "/p/P0001",
        "utm_source": "g", "utm_medium": "CPC", "utm_campaign": "spring", "query_order_id": None,
        "anonymous_id": "A-1", "user_id": None, "session_id": None,
        "referrer": VALID["referrer"], "referrer_host": "www.google.com",
        "ip": "2001:db8::1", "user_agent": "Mozilla/5.0",
    }


def test_a_timestamp_without_offset_is_utc_and_the_confirmation_carries_its_order():
    columns, rejection = judged({"timestamp": "2025-03-01T23:59:59", "user_id": "U1",
                                 "page_url": "http://shop.example.com/checkout/confirmation?order_id=O-9"})
    assert rejection is None
    assert (columns["event_ts"], columns["query_order_id"], columns["page_path"]) == (
        "2025-03-01T23:59:59.000000Z", "O-9", "/checkout/confirmation")
    assert columns["anonymous_id"] is None and columns["user_id"] == "U1"


def test_without_an_event_id_one_is_derived_from_the_canonical_content():
    record = {key: value for key, value in VALID.items() if key != "event_id"}
    reordered = dict(reversed(list(record.items())))
    first, _ = judged(record)
    again, _ = judged(reordered)

    assert first["event_id"] == again["event_id"] == contract.DERIVED_PREFIX + record_hash(record)
    assert first["event_id_derived"] == 1
    other, _ = judged({**record, "page_url": "https://shop.example.com/cart"})
    assert other["event_id"] != first["event_id"]


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"timestamp": None}, "missing_field", "timestamp"),
    ({"timestamp": "yesterday"}, "bad_timestamp", "timestamp"),
    ({"timestamp": "2025-03-01"}, "bad_timestamp", "timestamp"),
    ({"timestamp": 1740819600}, "wrong_type", "timestamp"),
    ({"page_url": None}, "missing_field", "page_url"),
    ({"page_url": "/p/P0001"}, "bad_url", "page_url"),
    ({"page_url": "ftp://shop.example.com/"}, "bad_url", "page_url"),
    ({"page_url": "https:///no-host"}, "bad_url", "page_url"),
    ({"page_url": ["https://shop.example.com/"]}, "wrong_type", "page_url"),
    ({"anonymous_id": None}, "missing_field", "anonymous_id"),
    ({"anonymous_id": ""}, "missing_field", "anonymous_id"),
    ({"anonymous_id": 7}, "wrong_type", "anonymous_id"),
    ({"user_id": " "}, "missing_field", "user_id"),
    ({"session_id": ""}, "missing_field", "session_id"),
    ({"event_id": ""}, "missing_field", "event_id"),
    ({"event_id": 12}, "wrong_type", "event_id"),
    ({"referrer": "not a url"}, "bad_url", "referrer"),
    ({"referrer": 3}, "wrong_type", "referrer"),
    ({"ip": "999.1.2.3"}, "bad_ip", "ip"),
    ({"ip": "localhost"}, "bad_ip", "ip"),
    ({"user_agent": 42}, "wrong_type", "user_agent"),
])
def test_each_rule_rejects_with_its_reason_and_field(change, code, field):
    columns, rejection = judged({**VALID, **change})

    assert (rejection.code, rejection.field) == (code, field), rejection
    assert field in rejection.message
    assert code in contract.REASON_CODES
    # the quarantine keeps the record's own id when it had one (as text)
    given = change.get("event_id", VALID["event_id"])
    assert columns["event_id"] == (given if isinstance(given, str) else None)


@pytest.mark.parametrize("value", [{"referrer": ""}, {"referrer": None}, {"ip": None}, {"user_agent": None},
                                   {"user_id": "U1", "anonymous_id": None}, {"extra": {"kept": True}}])
def test_optional_fields_may_be_empty_or_absent(value):
    columns, rejection = judged({**VALID, **value})
    assert rejection is None, rejection
    if "referrer" in value:
        assert columns["referrer_host"] is None


def test_not_an_object_and_bad_json_are_rejected():
    assert contract.judge(RawRecord(1, "[1]", [1]))[1].code == "not_an_object"
    bad = contract.judge(RawRecord(1, "{", None, contract.Rejection("invalid_json", None, "line 1")))
    assert bad[1].code == "invalid_json"


def test_urls_are_split_into_the_parts_the_model_reads():
    assert page_url("https://shop.example.com").page_path == "/"
    assert page_url("https://shop.example.com/cart/").page_path == "/cart"
    assert page_url("https://u:p@WWW.Shop.example.com:8443/a?order_id=1&order_id=2").page_host == \
        "www.shop.example.com"
    assert page_url("https://shop.example.com/a?order_id=1&order_id=2").query_order_id == "1"
    assert page_url("https://[::1/x") is None
    assert page_url("https://shop.example.com/a b") is None
    assert referrer_host("android-app://com.google.android.gm") == "com.google.android.gm"
    assert referrer_host("www.google.com") is None


@settings(max_examples=depth(300, 1500), deadline=None)
@given(record=st.fixed_dictionaries({}, optional={
    "event_id": st.one_of(st.none(), st.sampled_from(["", " ", "e1"]), st.integers()),
    "timestamp": st.one_of(st.none(), st.sampled_from(["2025-03-01T10:00:00Z", "2025-03-01",
                                                       "2025-13-01T00:00:00", "x"])),
    "page_url": st.one_of(st.none(), st.sampled_from(["https://s.example.com/p/P1", "/p/1",
                                                      "mailto:a@b", "HTTPS://S.example.com"])),
    "anonymous_id": st.one_of(st.none(), st.sampled_from(["", "A1"]), st.booleans()),
    "user_id": st.one_of(st.none(), st.sampled_from(["\t", "U1"])),
    "session_id": st.one_of(st.none(), st.sampled_from(["", "S1"])),
    "referrer": st.one_of(st.none(), st.sampled_from(["", "https://x.example.org/", "x"]), st.integers()),
    "ip": st.one_of(st.none(), st.sampled_from(["192.0.2.1", "::1", "1.2.3", ""])),
    "user_agent": st.one_of(st.none(), st.text(max_size=5), st.integers()),
}))
def test_the_fast_path_never_changes_a_verdict(record):
    text = json.dumps(record)
    fast = contract.judge(RawRecord(1, text, contract.decode_fast(text) or json.loads(text)))
    general = contract.judge(RawRecord(1, text, json.loads(text)))
    assert fast == general



@settings(max_examples=depth(300, 1500), deadline=None)
@given(parts=st.tuples(st.sampled_from(["2025", "2024", "0001", "9999", "1969"]),
                       st.integers(0, 14), st.integers(0, 33), st.integers(0, 25),
                       st.integers(0, 61), st.integers(0, 61), st.integers(0, 999)),
       junk=st.one_of(st.none(), st.tuples(st.integers(0, 23), st.sampled_from(" tz+a٥:-"))))
def test_the_millisecond_timestamp_shortcut_agrees_with_the_parser(parts, junk):
    """moment() reads 'YYYY-MM-DDTHH:MM:SS.fffZ' by slicing (the minute through the parser,
    cached); any text, valid or not, gets what the datetime parser gives."""
    year, month, day, hour, minute, second, millis = parts
    text = f"{year}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}Z"
    if junk is not None:
        at, char = junk
        text = text[:at] + char + text[at + 1:]
    assert contract.moment(text) == contract._moment(text)


# --- the published JSON Schema agrees with the contract ------------------------------------------

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "docs" / "event.schema.json").read_text("utf-8"))
# what JSON Schema cannot express (docs/event.schema.json says so): a real date-time, a real
# address, a referrer that parses; the schema lets these through and the contract refuses them
BEYOND_SCHEMA = {"bad_timestamp", "bad_ip"}


def schema_accepts(record) -> bool:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return validator.is_valid(record)


def test_the_json_schema_accepts_every_generated_page_view(tmp_path):
    from datetime import date

    from ecommerce_warehouse.generate import events

    (path, _), = events.generate(date(2025, 3, 1), date(2025, 3, 1), 40, 2, tmp_path)
    assert all(schema_accepts(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("record", [
    VALID, {**VALID, "event_id": None}, {**VALID, "referrer": ""}, {**VALID, "anonymous_id": None, "user_id": "U"},
    {**VALID, "ip": "192.0.2.1"}, {**VALID, "page_url": "http://x.example.com"},
    {**VALID, "timestamp": None}, {**VALID, "timestamp": "2025-03-01"}, {**VALID, "page_url": "/p/P1"},
    {**VALID, "page_url": "ftp://x.example.com/"}, {**VALID, "anonymous_id": None}, {**VALID, "anonymous_id": ""},
    {**VALID, "event_id": ""}, {**VALID, "event_id": 3}, {**VALID, "referrer": "nowhere"},
    {**VALID, "ip": "999.1.2.3"}, {**VALID, "user_agent": 42}, {**VALID, "session_id": " "},
    {**VALID, "timestamp": "2025-13-01T00:00:00Z"},
])
def test_the_json_schema_agrees_with_the_contract(record):
    _, rejection = judged(record)
    if rejection is None:
        assert schema_accepts(record), "the contract accepts what the schema refuses"
    elif rejection.code not in BEYOND_SCHEMA:
        assert not schema_accepts(record), f"the schema lets through a {rejection.code}"
