"""The contract of the ``changes`` kind: one Debezium change event per record.

``check(value)`` turns one decoded JSON record into the typed columns of ``raw_changes``,
or into a ``Rejection`` with a stable reason code, the field at fault and a message that
names it; ``judge(record)`` does it for a record as read. The same rules are published as
a JSON Schema in ``docs/change.schema.json`` and as a table in ``docs/CHANGES.md``.

A record is either Debezium's payload itself (``op``, ``before``, ``after``, ``source``,
``ts_ms``) or the ``{"schema": ..., "payload": ...}`` wrapper Kafka Connect's JSON
converter writes; the wrapper's schema says how money (``precise`` decimals: base64
big-endian two's-complement bytes with a ``scale``) and times (``io.debezium.time.*``:
epoch milli- or microseconds) are encoded. Without a schema, money is a JSON number or a
decimal string, and a time is an ISO-8601 string or epoch milliseconds (an integer of
15 digits or more is microseconds).

The order of truth is ``source.ts_ms``, then the source position (``lsn``, else ``pos``,
else 0). Each event gets a ``change_id`` (table, row key, ts_ms, position): the same
event delivered again has the same id and is skipped as a duplicate at ingest. Events of
tables the warehouse does not model are kept (``known_table = 0``) and reported.

A wrapped record's schema is the same long text for every event of a table (about 1.8 KB
around a payload of 400 bytes). ``decode_fast`` compares the record's bytes with the
schemas it has met: when the line is exactly ``{"schema":<S>,"payload":<P>}`` with S one
of them, only P is decoded, and the record becomes an ``Unwrapped`` value whose Bronze
row keeps P's text and S's key (``schema_key``, a digest of S's exact text); the ingest
stores S once in ``raw_change_schemas`` and the view ``raw_changes_received`` rebuilds the
exact received text. Any other record keeps its whole text.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import orjson

from ecommerce_warehouse.load.records import (
    BAD_TIMESTAMP,
    CONFLICTING_DUPLICATE,
    DUPLICATE_KEY,
    INVALID_JSON,
    MISSING_FIELD,
    NOT_AN_OBJECT,
    OUT_OF_RANGE,
    WRONG_TYPE,
    NonFinite,
    Oversized,
    RawRecord,
    Refused,
    Rejection,
    Unwrapped,
    describe,
    json_kind,
    record_hash,
    utc_timestamp,
    wrong_type,
)
from ecommerce_warehouse.sources.changes import wrapper
from ecommerce_warehouse.sources.changes.wrapper import NO_SCHEMA, Schema

# Stable reason codes of change events (documented in docs/CHANGES.md; never renamed).
UNKNOWN_OP = "unknown_op"
UNKNOWN_STATUS = "unknown_status"
TOO_MANY_DECIMALS = "too_many_decimals"
BAD_AMOUNT = "bad_amount"

REASON_CODES = (
    INVALID_JSON, NOT_AN_OBJECT, MISSING_FIELD, WRONG_TYPE, OUT_OF_RANGE, UNKNOWN_OP,
    UNKNOWN_STATUS, TOO_MANY_DECIMALS, BAD_AMOUNT, BAD_TIMESTAMP, CONFLICTING_DUPLICATE,
    DUPLICATE_KEY,
)

OPS = {"c": "create", "u": "update", "d": "delete", "r": "read (snapshot)"}
ORDER_STATUSES = ("placed", "paid", "shipped", "delivered", "cancelled", "refunded")
PAYMENT_STATUSES = ("authorised", "captured", "failed", "refunded")
# The tables the warehouse models, each with its key column.
TABLE_KEYS = {"orders": "order_id", "payments": "payment_id", "shipments": "shipment_id",
              "products": "product_id"}
MAX_CENTS = 10**15
MAX_MS = 253_402_300_799_999          # 9999-12-31T23:59:59.999Z
MICROS_FROM = 10**14                  # an epoch integer this big (no schema) is microseconds
_DECIMAL_TEXT = re.compile(r"-?\d{1,15}(\.\d{1,2})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# The typed columns of raw_changes that check() fills, in this order.
COLUMNS = (
    "change_id", "table_name", "known_table", "op", "row_key", "source_ts_ms", "source_position",
    "change_ts", "change_date", "date_key",
    "order_id", "user_id", "order_status",
    "order_created_at", "order_created_us", "order_created_date_key",
    "order_updated_at", "order_updated_us", "order_updated_date_key",
    "payment_id", "payment_method", "amount_cents", "currency", "payment_status",
    "payment_created_at", "payment_created_us", "payment_created_date_key",
    "shipment_id", "carrier", "shipped_at", "shipped_us", "shipped_date_key",
    "delivered_at", "delivered_us", "delivered_date_key",
    "product_id", "product_name", "category", "unit_price_cents",
    "schema_key",
)
NO_COLUMNS = (None,) * len(COLUMNS)
_ROW_COLUMNS = COLUMNS[10:-1]
# The columns a valid event of each modelled table can fill: the envelope, its table's row
# columns (as the row rules below return them) and schema_key; every other column is NULL.
# Where Bronze rows go one statement each (executemany), the ingest binds only these, with
# sql/ingest/insert_raw_change_<table>.sql (load/parts.py): binding the 47 columns of
# 206,539 rows took 1.71 s of CPU, each table's own 21-27 columns 1.15-1.20 s (measured).
PART_COLUMN = "table_name"
PARTS = {
    "orders": (*COLUMNS[:10], *COLUMNS[10:19], "schema_key"),
    "payments": (*COLUMNS[:10], "order_id", *COLUMNS[19:27], "schema_key"),
    "shipments": (*COLUMNS[:10], "order_id", *COLUMNS[27:35], "schema_key"),
    "products": (*COLUMNS[:10], *COLUMNS[35:39], "schema_key"),
}


def decode_fast(text: str | bytes):
    """The record, when orjson's re-encoding of it gives back its very text (so no key is
    repeated: a repeated key would re-encode shorter); else None (the general path decodes
    it and rejects a repeated key as duplicate_key).

    A wrapped record whose line is exactly ``{"schema":<S>,"payload":<P>}``, S a schema met
    before (compared byte for byte), is an ``Unwrapped`` value: only P is decoded (and must
    re-encode to its very text, as above). The first record of a schema is decoded whole;
    if it has that exact shape, its schema is remembered (sources/changes/wrapper.py)."""
    raw = text.encode() if isinstance(text, str) else text
    known = wrapper.match(raw)
    if known is not None:
        return wrapper.unwrapped(raw, known)
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if type(value) is not dict or orjson.dumps(value) != raw:
        return None
    known = wrapper.learn(raw, value)
    return value if known is None else wrapper.unwrapped(raw, known)


def judge(record: RawRecord) -> tuple[tuple, Rejection | None]:
    """A record's typed columns and, if the contract refuses it, why."""
    if record.error is not None:
        return NO_COLUMNS, record.error
    value = record.value
    try:        # the usual valid event first (fast.py); anything else is judged below
        if type(value) is Unwrapped:
            columns = usual_columns(value.payload, value.schema, value.schema_key)
        else:
            columns = usual_columns(value, NO_SCHEMA, None)
        if columns is not None:
            return columns, None
    except Refused:
        pass
    if type(value) is Unwrapped:
        try:
            return _check_payload(value.payload, value.schema, value.schema_key), None
        except Refused as refused:
            return (*NO_COLUMNS[:-1], value.schema_key), refused.rejection
    return check(value)


def check(value) -> tuple[tuple, Rejection | None]:
    """Check one decoded record: (the typed COLUMNS, None) or (no columns, Rejection)."""
    if type(value) is not dict:
        return NO_COLUMNS, Rejection(NOT_AN_OBJECT, None, f"record is a JSON {json_kind(value)}, not an object")
    try:
        return _check_event(value), None
    except Refused as refused:
        return NO_COLUMNS, refused.rejection


# --- the envelope ---------------------------------------------------------------------------
def _check_event(record: dict) -> tuple:
    if "payload" in record and "op" not in record:
        return _check_payload(record["payload"], wrapper.schema_of(record.get("schema")), None)
    return _check_payload(record, NO_SCHEMA, None)


def _check_payload(record, schema: Schema, key_of_schema: str | None) -> tuple:
    """The COLUMNS of one event (the payload, with what its wrapper's schema says)."""
    if type(record) is not dict:
        raise wrong_type("payload", "an object (the change event)", record)
    op = record.get("op")
    if op is None:
        raise Refused(MISSING_FIELD, "op", "op is required but missing (c, u, d or r)")
    if type(op) is not str:
        raise wrong_type("op", "a string (c, u, d or r)", op)
    if op not in OPS:
        raise Refused(UNKNOWN_OP, "op", f"op {describe(op)} is not c (create), u (update), d (delete) "
                                        "or r (snapshot read)")
    source = record.get("source")
    if source is None:
        raise Refused(MISSING_FIELD, "source", "source is required but missing")
    if type(source) is not dict:
        raise wrong_type("source", "an object", source)
    table = source.get("table")
    if table is None:
        raise Refused(MISSING_FIELD, "source.table", "source.table is required but missing")
    if type(table) is not str or not table or table.isspace():
        raise wrong_type("source.table", "a non-empty string", table)
    ts_ms = _epoch_ms(source.get("ts_ms"), "source.ts_ms")
    position = _position(source)
    row_field = "before" if op == "d" else "after"
    row = record.get(row_field)
    if row is None:
        raise Refused(MISSING_FIELD, row_field, f"{row_field} (the row image) is required for op {op}")
    if type(row) is not dict:
        raise wrong_type(row_field, "an object (the row image)", row)
    moment = _from_micros(ts_ms * 1000)
    key_column = TABLE_KEYS.get(table)
    if key_column is None:        # a table the warehouse does not model: kept and reported
        key = record_hash(row)
        columns = (None,) * len(_ROW_COLUMNS)
        known = 0
    else:
        key = _key(row, key_column, row_field)
        columns = _ROW_RULES[table](row, row_field, schema, op == "d")
        known = 1
    change_id = f"{table}/{key}/{ts_ms}/{position}"
    return (change_id, table, known, op, key, ts_ms, position, *moment, *columns, key_of_schema)


def _position(source: dict) -> int:
    for name in ("lsn", "pos"):
        value = source.get(name)
        if value is not None:
            if type(value) is not int:
                raise wrong_type(f"source.{name}", "an integer", value)
            if not 0 <= value < 2**63:
                raise Refused(OUT_OF_RANGE, f"source.{name}", f"source.{name} {describe(value)} is out of range")
            return value
    return 0


def _key(row: dict, column: str, where: str) -> str:
    value = row.get(column)
    field = f"{where}.{column}"
    if value is None:
        raise Refused(MISSING_FIELD, field, f"{field} (the row's key) is required but missing")
    if type(value) is int and not isinstance(value, bool):
        return str(value)
    if type(value) is not str or not value or value.isspace():
        raise wrong_type(field, "a non-empty string", value)
    return value


# --- field rules ----------------------------------------------------------------------------

def _epoch_ms(value, field: str) -> int:
    if value is None:
        raise Refused(MISSING_FIELD, field, f"{field} is required but missing")
    if type(value) is not int:
        raise wrong_type(field, "an integer (epoch milliseconds)", value)
    if not 0 <= value <= MAX_MS:
        raise Refused(OUT_OF_RANGE, field, f"{field} {describe(value)} is not a time between 1970 and 9999")
    return value


@lru_cache(maxsize=4_096)
def _day(days: int) -> tuple[str, int]:
    """('YYYY-MM-DD', date_key) of a day counted from 1970-01-01."""
    day = _EPOCH.date() + timedelta(days=days)
    return day.isoformat(), day.year * 10000 + day.month * 100 + day.day


@lru_cache(maxsize=4_096)
def _minute(minutes: int) -> tuple[str, str, int]:
    """('YYYY-MM-DDTHH:MM:', date, date_key) of a minute counted from 1970-01-01."""
    days, minute = divmod(minutes, 1_440)
    date_text, date_key = _day(days)
    return f"{date_text}T{minute // 60:02d}:{minute % 60:02d}:", date_text, date_key


@lru_cache(maxsize=16_384)
def _from_micros(micros: int) -> tuple[str, str, int]:
    """(timestamp text, date, date_key) of an instant in epoch microseconds (UTC). Cached:
    an order's events repeat its creation time, and an update's time is its event's.

    Most instants are new (each event's own time): the text is its minute's (cached) and
    the seconds and microseconds, read zero-padded off the digits of 100,000,000 + the
    microseconds into the minute ('1SSffffff'). 0.44 us an instant instead of 1.2 us with
    a format for each part (measured): ~0.25 s of CPU at 206,539 events."""
    minutes, rest = divmod(micros, 60_000_000)
    head, date_text, date_key = _minute(minutes)
    digits = str(100_000_000 + rest)
    return f"{head}{digits[1:3]}.{digits[3:]}Z", date_text, date_key


@lru_cache(maxsize=16_384)
def _at(micros: int) -> tuple[str, int, int]:
    """(timestamp text, micros, date_key) of a row's time. Cached: a payment's events repeat
    its creation time, an order's its creation and update times."""
    text, _day, date_key = _from_micros(micros)
    return text, micros, date_key


# The ISO-8601 texts read last, each with its (text, microseconds, date_key): an order's
# events repeat its creation time, and a creation's update time is the same text.
_TIMES_READ: dict[str, tuple[str, int, int]] = {}
TIMES_KEPT = 16_384


def _time(row: dict, column: str, where: str, schema: Schema,
          required: bool) -> tuple[str | None, int | None, int | None]:
    """(ISO text in UTC, epoch microseconds, date_key) of a row's time column, or Nones."""
    value = row.get(column)
    if type(value) is str:
        found = _TIMES_READ.get(value)
        if found is not None:
            return found
    if value is None:
        if required:
            field = f"{where}.{column}"
            raise Refused(MISSING_FIELD, field, f"{field} is required but missing")
        return None, None, None
    field = f"{where}.{column}"
    if type(value) is int:
        name = schema.names.get(column) or ""
        if name.endswith("MicroTimestamp"):
            micros = value
        elif name.endswith("NanoTimestamp"):
            micros = value // 1000
        elif name.endswith("Timestamp") or (not name and value < MICROS_FROM):
            micros = value * 1000
        elif not name:
            micros = value
        else:
            raise Refused(BAD_TIMESTAMP, field, f"{field}: schema type {describe(name)} is not a "
                                                "io.debezium.time timestamp")
        if not 0 <= micros <= MAX_MS * 1000:
            raise Refused(BAD_TIMESTAMP, field, f"{field} {describe(value)} is not a time between 1970 and 9999")
        return _at(micros)
    if type(value) is str:
        if len(value) > 10:
            try:
                parsed = utc_timestamp(value)
            except (ValueError, OverflowError):
                parsed = None
            if parsed is not None and parsed >= _EPOCH:
                found = _at((parsed - _EPOCH) // _MICROSECOND)
                if len(_TIMES_READ) >= TIMES_KEPT:
                    _TIMES_READ.clear()
                _TIMES_READ[value] = found
                return found
        raise Refused(BAD_TIMESTAMP, field, f"{field} {describe(value)} is not an ISO-8601 date-time "
                                            "after 1970")
    raise wrong_type(field, "an ISO-8601 string or epoch milli/microseconds", value)


# The amounts in text read last (a precise decimal's base64, or a decimal string), each with
# its scale and cents: a payment's events repeat its amount, and prices repeat.
_AMOUNTS_READ: dict[tuple[str, int | None], int] = {}
AMOUNTS_KEPT = 16_384


def _cents(row: dict, column: str, where: str, schema: Schema, required: bool) -> int | None:
    """Exact integer cents (>= 0) of a money column: a JSON number or decimal string with at
    most two decimals, or Debezium's precise decimal (base64 bytes) when the schema gives
    the scale. An amount in text read before is not decoded again (1 us an amount: 0.1 s
    of CPU at 206,539 events, measured)."""
    value = row.get(column)
    if type(value) is not str:
        return _read_cents(value, column, where, schema, required)
    read = (value, schema.scales.get(column))
    cents = _AMOUNTS_READ.get(read)
    if cents is None:
        cents = _read_cents(value, column, where, schema, required)
        if len(_AMOUNTS_READ) >= AMOUNTS_KEPT:
            _AMOUNTS_READ.clear()
        _AMOUNTS_READ[read] = cents
    return cents


def _read_cents(value, column: str, where: str, schema: Schema, required: bool) -> int | None:
    field = f"{where}.{column}"
    if value is None:
        if required:
            raise Refused(MISSING_FIELD, field, f"{field} is required but missing")
        return None
    scale = schema.scales.get(column)
    if scale is not None and type(value) is str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise Refused(BAD_AMOUNT, field, f"{field} {describe(value)} is not base64 (the schema says "
                                             "a precise decimal)") from None
        if not raw:
            raise Refused(BAD_AMOUNT, field, f"{field} is an empty byte string")
        unscaled = int.from_bytes(raw, "big", signed=True)
        if 0 <= scale <= 40:        # the usual scales in integers: unscaled / 10**(scale - 2)
            if scale <= 2:
                cents = unscaled * 10 ** (2 - scale)
            else:
                cents, rest = divmod(unscaled, 10 ** (scale - 2))
                if rest:
                    raise Refused(TOO_MANY_DECIMALS, field, f"{field} {describe(value)} has more than 2 decimals")
            if not 0 <= cents < MAX_CENTS:
                raise Refused(OUT_OF_RANGE, field, f"{field} {describe(value)} must be between 0 and 10 trillion")
            return cents
        amount = Decimal(unscaled).scaleb(-scale)
    elif type(value) is str:
        if not _DECIMAL_TEXT.fullmatch(value):
            if re.fullmatch(r"-?\d+\.\d{3,}", value):
                raise Refused(TOO_MANY_DECIMALS, field, f"{field} {describe(value)} has more than 2 decimals")
            raise Refused(BAD_AMOUNT, field, f"{field} {describe(value)} is not a decimal amount")
        amount = Decimal(value)
    elif type(value) is int:
        amount = Decimal(value)
    elif type(value) is float:
        amount = Decimal(repr(value))
    elif isinstance(value, (NonFinite, Oversized)):
        raise Refused(OUT_OF_RANGE, field, f"{field} {describe(value)} is out of range")
    else:
        raise wrong_type(field, "a number, a decimal string or a precise decimal", value)
    try:
        cents = amount * 100
        if cents != cents.to_integral_value():
            raise Refused(TOO_MANY_DECIMALS, field, f"{field} {describe(value)} has more than 2 decimals")
        cents = int(cents)
    except InvalidOperation:
        raise Refused(BAD_AMOUNT, field, f"{field} {describe(value)} is not a decimal amount") from None
    if not 0 <= cents < MAX_CENTS:
        raise Refused(OUT_OF_RANGE, field, f"{field} {describe(value)} must be between 0 and 10 trillion")
    return cents


def _text(row: dict, column: str, where: str, required: bool = False) -> str | None:
    value = row.get(column)
    field = f"{where}.{column}"
    if value is None:
        if required:
            raise Refused(MISSING_FIELD, field, f"{field} is required but missing")
        return None
    if type(value) is not str:
        raise wrong_type(field, "a string", value)
    if required and (not value or value.isspace()):
        raise Refused(MISSING_FIELD, field, f"{field} is required but empty")
    return value


def _status(row: dict, where: str, allowed: tuple[str, ...], required: bool) -> str | None:
    status = _text(row, "status", where, required)
    if status is not None and status not in allowed:
        raise Refused(UNKNOWN_STATUS, f"{where}.status",
                      f"{where}.status {describe(status)} is not one of {', '.join(allowed)}")
    return status


# Each table's row image -> its columns (order_id ... unit_price_cents). A delete's
# before image needs only the key; the other columns are kept when they are valid.
_NONE = (None,)
_NONE_4, _NONE_8, _NONE_12, _NONE_16, _NONE_20, _NONE_25 = (
    _NONE * 4, _NONE * 8, _NONE * 12, _NONE * 16, _NONE * 20, _NONE * 25)


def _orders(row, where, schema, deleting):
    need = not deleting
    created = _time(row, "created_at", where, schema, need)
    updated = _time(row, "updated_at", where, schema, False)
    if updated[0] is None:
        updated = created
    return (row["order_id"] if type(row["order_id"]) is str else str(row["order_id"]),
            _text(row, "user_id", where), _status(row, where, ORDER_STATUSES, need),
            *created, *updated) + _NONE_20


def _payments(row, where, schema, deleting):
    need = not deleting
    currency = _text(row, "currency", where, need)
    if currency is not None and not _CURRENCY.fullmatch(currency):
        raise Refused(WRONG_TYPE, f"{where}.currency",
                      f"{where}.currency {describe(currency)} is not a three-letter ISO 4217 code")
    return (_text(row, "order_id", where, need), *_NONE_8,
        row["payment_id"] if type(row["payment_id"]) is str else str(row["payment_id"]),
        _text(row, "method", where, need), _cents(row, "amount", where, schema, need), currency,
        _status(row, where, PAYMENT_STATUSES, need),
        *_time(row, "created_at", where, schema, need), *_NONE_12)


def _shipments(row, where, schema, deleting):
    need = not deleting
    return (_text(row, "order_id", where, need), *_NONE_16,
        row["shipment_id"] if type(row["shipment_id"]) is str else str(row["shipment_id"]),
        _text(row, "carrier", where, need),
        *_time(row, "shipped_at", where, schema, False),
        *_time(row, "delivered_at", where, schema, False), *_NONE_4)


def _products(row, where, schema, deleting):
    need = not deleting
    return (*_NONE_25,
        row["product_id"] if type(row["product_id"]) is str else str(row["product_id"]),
        _text(row, "name", where, need), _text(row, "category", where, need),
        _cents(row, "unit_price", where, schema, need))


_ROW_RULES = {"orders": _orders, "payments": _payments, "shipments": _shipments, "products": _products}


# Imported last: the fast path (fast.py) is built from the rules above.
from ecommerce_warehouse.sources.changes.fast import usual_columns
