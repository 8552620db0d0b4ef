"""The ingest's fast path judges every record exactly as the general path does.

``contract.decode_line`` decodes a record straight into typed structs (msgspec) and
``contract.check`` then runs the short list of checks a type cannot express. Whatever it
accepts must get the very same columns as the general path (decode to a dict, check each
field); whatever it refuses goes to the general path anyway. Hypothesis mutates a valid
record with hostile values (wrong types, blanks, huge and non-finite numbers, amounts
with many decimals, odd timestamps and dates, duplicate keys) and compares the two.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import depth
from ecommerce_warehouse.load.records import duplicate_key
from ecommerce_warehouse.sources.transactions import contract

VALID = {
    "transaction_id": "TX-1", "order_id": "ORD-1", "timestamp": "2025-03-06T10:00:00Z",
    "status": "completed", "quantity": 2, "price": 14.99,
    "user": {"user_id": "U1", "name": "Ann", "email": "ann@example.com",
             "registration_date": "2024-01-05"},
    "product": {"product_id": "P1", "name": "Mug", "category": "Home", "unit_price": 14.99},
}

FIELDS = ("transaction_id", "order_id", "timestamp", "status", "quantity", "price", "user",
          "product", "user.user_id", "user.name", "user.email", "user.registration_date",
          "product.product_id", "product.name", "product.category", "product.unit_price")

# Numbers as JSON text, so that forms json.dumps never writes are tried too.
NUMBER_TEXTS = st.sampled_from((
    "0", "-0", "-0.0", "0.0", "1", "1.0", "1.10", "1.5", "1.005", "14.99", "0.1e1", "1e2",
    "1E-2", "1e-7", "1e400", "-1e400", "9999999999999.99", "10000000000000", "9999999999999.999",
    "123456789012345678901234567890", "2147483647", "2147483648", "-1", "-0.01", "0.01", "0.001",
))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from(("", " ", "\t\n", "completed", "refunded", "shipped")),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6)
TIMESTAMPS = st.one_of(
    st.sampled_from(("2025-03-06T10:00:00Z", "2025-03-06T10:00:00+05:30", "2025-03-06 10:00:00",
                     "2025-03-06T10:00:00.123456-08:00", "2025-03-06", "2025-02-30T10:00:00Z",
                     "20250306T100000", "0999-01-01T00:00:00", "9999-12-31T23:59:59-01:00",
                     "2025-03-06T24:00:00Z", "not a time", "")),
    st.datetimes().map(lambda moment: moment.isoformat()),
)
DATES = st.sampled_from(("2024-01-05", "2024-02-30", "2024-1-5", "20240105", "", "2024-01-05T00:00"))


def _set(record: dict, path: str, value) -> None:
    *parents, key = path.split(".")
    target = record
    for parent in parents:
        if not isinstance(target.get(parent), dict):
            return
        target = target[parent]
    if value is _DROP:
        target.pop(key, None)
    else:
        target[key] = value


_DROP = object()
_NUMBER = object()


@st.composite
def records(draw) -> str:
    record = json.loads(json.dumps(VALID))
    numbers = {}
    for _ in range(draw(st.integers(0, 4))):
        path = draw(st.sampled_from(FIELDS))
        kind = draw(st.sampled_from(("value", "drop", "number", "timestamp", "date")))
        if kind == "drop":
            _set(record, path, _DROP)
        elif kind == "number":
            marker = f"@@{len(numbers)}@@"
            numbers[marker] = draw(NUMBER_TEXTS)
            _set(record, path, marker)
        elif kind == "timestamp":
            _set(record, "timestamp", draw(TIMESTAMPS))
        elif kind == "date":
            _set(record, "user.registration_date", draw(DATES))
        else:
            _set(record, path, draw(VALUES))
    text = json.dumps(record, ensure_ascii=draw(st.booleans()))
    for marker, number in numbers.items():
        text = text.replace(f'"{marker}"', number)
    if draw(st.integers(0, 9)) == 0:            # a repeated key: the fast path must refuse it
        text = text[:-1] + ', "quantity": ' + draw(NUMBER_TEXTS) + "}"
    return text


def both_paths(text: str):
    """(fast verdict or None when the fast decode refuses, general verdict)."""
    general = contract.check(contract.decode(text))
    line = contract.decode_line(text)
    fast = None if line is None else contract.check(line, text)
    return fast, general


@settings(max_examples=depth(300, 1500), deadline=None)
@given(records())
def test_the_fast_path_agrees_with_the_general_path(text):
    try:
        contract.decode(text)
    except (ValueError, RecursionError):
        assert contract.decode_line(text) is None     # not JSON: the fast path refuses it too
        return
    fast, general = both_paths(text)
    if fast is not None:
        assert fast == general
    if duplicate_key(text) is not None:     # the reader rejects it as duplicate_key instead
        assert contract.decode_line(text) is None


@settings(max_examples=depth(300, 1500), deadline=None)
@given(st.integers(0, 10**15), st.integers(0, 4))
def test_amounts_in_cents_agree(units, decimals):
    """_exact_cents and _cents agree on amounts with 0–4 decimals, up to and past MAX_PRICE."""
    text = str(units) if decimals == 0 else f"{units // 10**decimals}.{units % 10**decimals:0{decimals}d}"
    record = json.dumps(VALID).replace("14.99,", text + ",", 1)
    fast, general = both_paths(record)
    assert fast == general


@pytest.mark.parametrize("text", [
    json.dumps(VALID),
    json.dumps({**VALID, "user": None, "status": None, "order_id": None}),
    json.dumps({**VALID, "extra": {"nested": [1, 2, {"x": None}]}}),
])
def test_valid_records_take_the_fast_path(text):
    line = contract.decode_line(text)
    assert isinstance(line, contract.Line)
    columns, rejection = contract.check(line, text)
    assert rejection is None
    assert (columns, rejection) == contract.check(contract.decode(text))


@pytest.mark.parametrize(("change", "reason", "field"), [
    ({"transaction_id": "  "}, contract.MISSING_FIELD, "transaction_id"),
    ({"order_id": ""}, contract.MISSING_FIELD, "order_id"),
    ({"price": 1.005}, contract.TOO_MANY_DECIMALS, "price"),
    ({"timestamp": "2025-03-06"}, contract.BAD_TIMESTAMP, "timestamp"),
    ({"user": {"user_id": "U1", "registration_date": "2024-02-30"}}, contract.BAD_DATE,
     "user.registration_date"),
    ({"product": {"product_id": " ", "unit_price": 1}}, contract.MISSING_FIELD, "product.product_id"),
])
def test_a_typed_record_that_fails_a_check_gets_the_general_reason(change, reason, field):
    """These pass the typed decode, so the rejection comes from the second look."""
    text = json.dumps({**VALID, **change})
    line = contract.decode_line(text)
    assert isinstance(line, contract.Line)
    _columns, rejection = contract.check(line, text)
    assert (rejection.code, rejection.field) == (reason, field)
    assert rejection == contract.check(contract.decode(text))[1]
