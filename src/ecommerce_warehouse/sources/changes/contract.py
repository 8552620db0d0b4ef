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
else 0). An event's identity is (table, row key, ts_ms, position), the columns
``table_name``, ``row_key``, ``source_ts_ms`` and ``source_position`` (shown as the text
``change_id`` by the view ``raw_changes_received``): the same event delivered again has
the same identity and is skipped as a duplicate at ingest. Events of
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
    RawRecord,
    Refused,
    Rejection,
    Unwrapped,
    describe,
    json_kind,
    record_hash,
    wrong_type,
)
from ecommerce_warehouse.sources.changes import wrapper
from ecommerce_warehouse.sources.changes.fast import usual_columns
from ecommerce_warehouse.sources.changes.fields import (
    _ROW_RULES,
    BAD_AMOUNT,
    TOO_MANY_DECIMALS,
    UNKNOWN_STATUS,
    _epoch_ms,
    _from_micros,
)
from ecommerce_warehouse.sources.changes.wrapper import NO_SCHEMA, Schema

# Stable reason codes of change events (documented in docs/CHANGES.md; never renamed);
# the field rules' own are in fields.py.
UNKNOWN_OP = "unknown_op"

REASON_CODES = (
    INVALID_JSON, NOT_AN_OBJECT, MISSING_FIELD, WRONG_TYPE, OUT_OF_RANGE, UNKNOWN_OP,
    UNKNOWN_STATUS, TOO_MANY_DECIMALS, BAD_AMOUNT, BAD_TIMESTAMP, CONFLICTING_DUPLICATE,
    DUPLICATE_KEY,
)

OPS = {"c": "create", "u": "update", "d": "delete", "r": "read (snapshot)"}
# The tables the warehouse models, each with its key column.
TABLE_KEYS = {"orders": "order_id", "payments": "payment_id", "shipments": "shipment_id",
              "products": "product_id"}

# The typed columns of raw_changes that check() fills, in this order.
COLUMNS = (
    "table_name", "known_table", "op", "row_key", "source_ts_ms", "source_position",
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
_ROW_COLUMNS = COLUMNS[9:-1]
# The columns a valid event of each modelled table can fill: the envelope, its table's row
# columns (as the row rules below return them) and schema_key; every other column is NULL.
# Where Bronze rows go one statement each (executemany), the ingest binds only these, with
# sql/ingest/insert_raw_change_<table>.sql (load/parts.py): binding the 47 columns of
# 206,539 rows took 1.71 s of CPU, each table's own 21-27 columns 1.15-1.20 s (measured).
PART_COLUMN = "table_name"
PARTS = {
    "orders": (*COLUMNS[:9], *COLUMNS[9:18], "schema_key"),
    "payments": (*COLUMNS[:9], "order_id", *COLUMNS[18:26], "schema_key"),
    "shipments": (*COLUMNS[:9], "order_id", *COLUMNS[26:34], "schema_key"),
    "products": (*COLUMNS[:9], *COLUMNS[34:38], "schema_key"),
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
    return (table, known, op, key, ts_ms, position, *moment, *columns, key_of_schema)


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
