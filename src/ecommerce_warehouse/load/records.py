"""What every input kind's records share: how a record is read, judged and told apart.

A record travels as a ``RawRecord`` (its number in the file, its exact text, its decoded
value or why it could not be decoded). A contract (``sources/<kind>/contract.py``) turns
it into the typed columns of its Bronze table or a ``Rejection``: a stable reason code,
the field at fault and a message that names it. The codes every kind uses, the lenient
decoder, the canonical hash that tells identical copies apart, and the small field rules
all contracts share live here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

import orjson

# Stable reason codes every input kind uses (documented in docs/CONTRACT.md; never renamed).
INVALID_JSON = "invalid_json"
NOT_AN_OBJECT = "not_an_object"
MISSING_FIELD = "missing_field"
WRONG_TYPE = "wrong_type"
OUT_OF_RANGE = "out_of_range"
BAD_TIMESTAMP = "bad_timestamp"
CONFLICTING_DUPLICATE = "conflicting_duplicate"
DUPLICATE_KEY = "duplicate_key"


@dataclass(frozen=True)
class Rejection:
    """Why a record was refused: a stable code, the field at fault, a human message."""

    code: str
    field: str | None
    message: str


class RawRecord(NamedTuple):
    """One record as read: its 1-based number, exact text, decoded value or why not.

    The value is whatever the contract's fast decoder made of it (a typed struct) when it
    decoded straight into the contract's shape, otherwise whatever JSON value it holds.
    """

    number: int
    text: str
    value: object = None
    error: Rejection | None = None


class Unwrapped(NamedTuple):
    """A record received as exactly ``{"schema":<S>,"payload":<P>}`` (Kafka Connect's JSON
    converter) with S, byte for byte, a schema the kind stores once: its Bronze row keeps
    P's text (``text``) and S's key, and the exact received text is rebuilt from the two
    (the ``changes`` kind: sources/changes/contract.py, ``raw_changes_received``)."""

    text: str           # P's exact text: what Bronze keeps in raw_text
    schema_key: str     # the digest of S's exact text: the key of its one stored copy
    schema_text: str    # S's exact text
    schema: object      # what the contract made of S
    payload: object     # P, decoded


class Oversized(str):
    """A JSON integer too long to be a quantity or an amount (kept as its text)."""


class NonFinite(str):
    """NaN, Infinity or -Infinity: accepted by the parser only so it can be rejected."""


def _parse_int(text: str):
    return Oversized(text) if len(text.lstrip("-")) > 20 else int(text)


def _parse_constant(text: str):
    return NonFinite(text)


# The lenient decoder, used where the fast one (orjson) refuses a record: it accepts
# NaN/Infinity and integers of any length so that they become values the contracts
# reject with a reason, instead of breaking the whole file.
LENIENT_DECODER = json.JSONDecoder(parse_int=_parse_int, parse_constant=_parse_constant)


def decode(text: str | bytes):
    """Decode one record's JSON text; raises ValueError (or RecursionError) if it is not JSON."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        value = LENIENT_DECODER.decode(text)
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a string holds an unpaired surrogate escape (not valid Unicode)") from None
    return value


class _Pairs(list):
    """One JSON object as decoded for ``duplicate_key``: its (key, value) pairs, in order."""


# The lenient decoder again, keeping every key of every object (a dict keeps the last).
_PAIRS_DECODER = json.JSONDecoder(object_pairs_hook=_Pairs, parse_int=_parse_int,
                                  parse_constant=_parse_constant)


def duplicate_key(text: str | bytes) -> str | None:
    """The path of the first key that appears twice in one object of the record
    (``user.email``), or None. JSON parsers keep one of the two values silently, so a
    record with a repeated key is rejected instead (DUPLICATE_KEY). Not JSON: None (the
    decoder's own error says what is wrong)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    try:
        return _first_duplicate(_PAIRS_DECODER.decode(text), "")
    except (ValueError, RecursionError):
        return None


def _first_duplicate(node, path: str) -> str | None:
    if isinstance(node, _Pairs):
        seen = set()
        for key, _value in node:
            if key in seen:
                return f"{path}.{key}" if path else key
            seen.add(key)
        children = ((f"{path}.{key}" if path else key, value) for key, value in node)
    elif isinstance(node, list):
        children = ((f"{path}[{index}]", value) for index, value in enumerate(node))
    else:
        return None
    for where, child in children:
        found = _first_duplicate(child, where)
        if found:
            return found
    return None


def duplicate_key_rejection(text: str | bytes) -> Rejection | None:
    """A Rejection for a record with a repeated key, or None."""
    where = duplicate_key(text)
    if where is None:
        return None
    return Rejection(DUPLICATE_KEY, where, f"{where} appears twice in one object; JSON keys must "
                                           "be unique (a parser would silently keep one value)")


def record_hash(value) -> str:
    """A digest of the record's canonical JSON (sorted keys, no spaces): equal content, equal hash.

    orjson writes no integer beyond 64 bits, and only the lenient decoder makes one (for a
    record orjson refused, e.g. one with a NaN beside it): such a record is written by the
    standard encoder instead. The same text always decodes the same way, so its copies
    still get one hash."""
    try:
        canonical = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        canonical = json.dumps(value, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode()
    return hashlib.blake2b(canonical, digest_size=16).hexdigest()


def bronze_row(record: RawRecord, raw_id: int, batch: tuple,
               judged: tuple[tuple, Rejection | None]) -> tuple:
    """The Bronze row of one record, in ``insert_columns`` order.

    ``raw_id`` is the row's key (the ingest gives a file's records the ids after the
    kind's ``last_raw_id`` file's, in file order); ``batch`` is (batch_id, source_file,
    loaded_at); ``judged`` is what the contract's ``judge(record)`` said. A valid record is
    'loaded' (the file's duplicate check may demote it later); an invalid one is
    'rejected', and its reason goes in afterwards (``set_reject_reason``): the row has no
    reject columns, because binding three NULLs to every valid row cost a fifth of the insert.
    ``raw_text`` is the record's text, or an ``Unwrapped`` record's payload text (its
    schema's key is one of the contract's columns).
    """
    columns, rejection = judged
    value = record.value
    return (raw_id, *batch, record.number, value.text if type(value) is Unwrapped else record.text,
            "loaded" if rejection is None else "rejected", *columns)


# --- field rules every contract uses ---------------------------------------------------------

class Refused(Exception):
    """Raised by a field rule: the record is rejected with this code, field and message."""

    def __init__(self, code, field, message):
        super().__init__(message)
        self.rejection = Rejection(code, field, message)


def json_kind(value) -> str:
    """The JSON type of a decoded value, as a message names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (Oversized, NonFinite, int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def describe(value) -> str:
    """A value as a message shows it: its JSON, cut to 40 characters."""
    if isinstance(value, (Oversized, NonFinite)):
        text = str(value)
    else:
        try:
            text = orjson.dumps(value).decode()
        except (TypeError, orjson.JSONEncodeError):
            text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def wrong_type(field: str, expected: str, value) -> Refused:
    return Refused(WRONG_TYPE, field, f"{field} must be {expected}, got {json_kind(value)} {describe(value)}")


def required_string(record: dict, key: str, field: str) -> str:
    value = record.get(key)
    if type(value) is str and value and not value.isspace():
        return value
    if value is None:
        raise Refused(MISSING_FIELD, field, f"{field} is required but missing")
    if not isinstance(value, str):
        raise wrong_type(field, "a string", value)
    raise Refused(MISSING_FIELD, field, f"{field} is required but empty")


def optional_string(record: dict, key: str, field: str) -> str | None:
    value = record.get(key)
    if value is None or type(value) is str:
        return value
    raise wrong_type(field, "a string or null", value)


def utc_timestamp(text: str) -> datetime:
    """Parse an ISO-8601 timestamp; no offset means UTC. Raises ValueError."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
