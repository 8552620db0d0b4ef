"""Kafka Connect's ``{"schema": ..., "payload": ...}`` wrapper around a change event.

The JSON converter (``schemas.enable``) sends the table's schema with every event: about
1.8 KB of the same text around a payload of 400 bytes. ``Schema`` is what a schema says
about the row's fields (how money and times are encoded). A schema met in the exact shape
``{"schema":<S>,"payload":<P>}`` is remembered by its exact bytes (``KnownSchema``); a later
record is matched against them byte for byte (``match``), so only its payload is decoded,
and its Bronze row keeps P's text and S's key (``unwrapped``: load/records.py ``Unwrapped``;
the ingest stores S once, in raw_change_schemas).
"""

from __future__ import annotations

import hashlib
from functools import partial

import orjson

from ecommerce_warehouse.load.records import Unwrapped

# The converter writes a wrapped event as exactly these bytes around the schema's and the
# payload's compact JSON.
HEAD = b'{"schema":'
MIDDLE = b',"payload":'
END = b"}"
KNOWN_SCHEMAS = 16      # the schemas met last, each compared with a wrapped record (one a table)


class Schema:
    """What the wrapper's schema says about the row's fields: {field: (name, parameters)}."""

    def __init__(self, schema):
        self.fields: dict[str, tuple[str | None, dict]] = {}
        if type(schema) is dict:
            self._read(schema)
        # each field's name and scale, read once: looked up for every event's times and money
        self.names = {field: self.name(field) for field in self.fields}
        self.scales = {field: self.scale(field) for field in self.fields}
        # the fields in epoch microseconds (io.debezium.time.MicroTimestamp): the fast path
        # takes a payment's time from them at once (sources/changes/fast.py)
        self.micros = frozenset(field for field, name in self.names.items()
                                if name and name.endswith("MicroTimestamp"))

    def _read(self, schema: dict) -> None:
        for part in schema.get("fields") or ():
            if type(part) is dict and part.get("field") in ("after", "before"):
                for spec in part.get("fields") or ():
                    if type(spec) is dict and type(spec.get("field")) is str:
                        parameters = spec.get("parameters")
                        self.fields[spec["field"]] = (
                            spec.get("name"), parameters if type(parameters) is dict else {})

    def name(self, field: str) -> str | None:
        return self.fields.get(field, (None, {}))[0]

    def scale(self, field: str) -> int | None:
        name, parameters = self.fields.get(field, (None, {}))
        if name != "org.apache.kafka.connect.data.Decimal":
            return None
        try:
            return int(parameters.get("scale", 0))
        except (TypeError, ValueError):
            return None


NO_SCHEMA = Schema(None)
_last_schema: list = [None, NO_SCHEMA]      # the last decoded wrapper schema, and what it says


def schema_of(value) -> Schema:
    """What a decoded wrapper schema says; a connector sends the same schema with every event
    of a table, so the last one is kept and compared instead of read again."""
    if value is None:
        return NO_SCHEMA
    if value != _last_schema[0]:
        _last_schema[0], _last_schema[1] = value, Schema(value)
    return _last_schema[1]


def schema_key(schema_text: bytes) -> str:
    """The key of a wrapper schema: a digest of its exact text (UTF-8 bytes)."""
    return hashlib.blake2b(schema_text, digest_size=16).hexdigest()


class KnownSchema:
    """A wrapper schema met before: its exact bytes, key, text and what it says."""

    __slots__ = ("key", "middle_at", "payload_at", "raw", "says", "text")

    def __init__(self, raw: bytes, value):
        self.raw = raw
        self.key = schema_key(raw)
        self.text = raw.decode("utf-8")
        self.says = Schema(value)
        self.middle_at = len(HEAD) + len(raw)
        self.payload_at = self.middle_at + len(MIDDLE)


# Unwrapped(text, key, schema text, schema, payload) without the Python-level __new__ of a
# NamedTuple, as the reader makes its records: one per wrapped event.
_new_unwrapped = partial(tuple.__new__, Unwrapped)

_known: list[KnownSchema] = []      # the schemas met last, the last matched first


def match(raw: bytes) -> KnownSchema | None:
    """The known schema S when ``raw`` starts ``{"schema":<S>,"payload":`` and ends ``}``."""
    if not (raw.startswith(HEAD) and raw.endswith(END)):
        return None
    for position, known in enumerate(_known):
        if raw.startswith(known.raw, len(HEAD)) and raw.startswith(MIDDLE, known.middle_at):
            if position:
                _known.insert(0, _known.pop(position))
            return known
    return None


def learn(raw: bytes, value: dict) -> KnownSchema | None:
    """Remember the schema of a record decoded whole, when the record is exactly
    ``{"schema":<S>,"payload":<P>}`` (``raw`` is orjson's own encoding of ``value``, so S is
    the schema's)."""
    if not (raw.startswith(HEAD) and len(value) == 2 and "payload" in value):
        return None
    known = KnownSchema(orjson.dumps(value["schema"]), value["schema"])
    if not raw.startswith(MIDDLE, known.middle_at):
        return None
    _known.insert(0, known)
    del _known[KNOWN_SCHEMAS:]
    return known


def unwrapped(raw: bytes, known: KnownSchema) -> Unwrapped | None:
    """The record ``raw`` (matched to ``known``) with its payload decoded, or None when the
    payload's text is not orjson's own encoding of it (the general path takes the record)."""
    payload_raw = raw[known.payload_at:-1]
    try:
        payload = orjson.loads(payload_raw)
    except orjson.JSONDecodeError:
        return None
    if orjson.dumps(payload) != payload_raw:
        return None
    return _new_unwrapped((payload_raw.decode("utf-8"), known.key, known.text, known.says, payload))
