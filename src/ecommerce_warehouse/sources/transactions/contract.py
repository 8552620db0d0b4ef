"""The input contract: what one order-line record must look like, checked field by field.

``check(value)`` turns one decoded JSON record into the typed columns of
``raw_transactions``, or into a ``Rejection`` with a stable reason code, the field at
fault and a message that names it. The same rules are published as a JSON Schema in
``docs/transaction.schema.json`` and as a table in ``docs/CONTRACT.md``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Annotated, Literal

import msgspec
import orjson

# Stable reason codes (documented in docs/CONTRACT.md; never renamed).
INVALID_JSON = "invalid_json"
NOT_AN_OBJECT = "not_an_object"
MISSING_FIELD = "missing_field"
WRONG_TYPE = "wrong_type"
OUT_OF_RANGE = "out_of_range"
TOO_MANY_DECIMALS = "too_many_decimals"
BAD_TIMESTAMP = "bad_timestamp"
BAD_DATE = "bad_date"
UNKNOWN_STATUS = "unknown_status"
CONFLICTING_DUPLICATE = "conflicting_duplicate"

REASON_CODES = (
    INVALID_JSON, NOT_AN_OBJECT, MISSING_FIELD, WRONG_TYPE, OUT_OF_RANGE,
    TOO_MANY_DECIMALS, BAD_TIMESTAMP, BAD_DATE, UNKNOWN_STATUS, CONFLICTING_DUPLICATE,
)

STATUSES = frozenset(("completed", "cancelled", "refunded"))
MAX_QUANTITY = 2**31 - 1
MAX_PRICE = 10**13        # a price (or list price) of ten trillion or more is out of range
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# The typed columns of raw_transactions that check() fills, in this order.
COLUMNS = (
    "transaction_id", "order_id", "event_ts", "event_date", "date_key",
    "quantity", "price_cents", "order_status",
    "user_id", "user_name", "user_email", "user_registration_date",
    "product_id", "product_name", "product_category", "product_unit_price_cents",
)
NO_COLUMNS = (None,) * len(COLUMNS)


# -- the fast path: a typed decode of the common, valid record ------------------------
# msgspec decodes a record straight into these structs and checks the JSON types (and
# the simple constraints) in C. A record it accepts still goes through the same Python
# checks as any other (_check_line); a record it refuses, for whatever reason, is decoded
# again the general way and judged by _check_record, which names the reason. So these
# types only decide how fast a record is accepted, never whether it is.
_NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class _User(msgspec.Struct):
    user_id: _NonEmpty
    name: str | None = None
    email: str | None = None
    registration_date: str | None = None


class _Product(msgspec.Struct):
    product_id: _NonEmpty
    name: str | None = None
    category: str | None = None
    unit_price: int | float | None = None


class Line(msgspec.Struct):
    """One order line as the contract wants it; unknown fields are ignored (Bronze keeps them)."""

    transaction_id: _NonEmpty
    timestamp: str
    quantity: Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY)]
    price: int | float
    product: _Product
    order_id: str | None = None
    status: Literal["completed", "cancelled", "refunded"] | None = None
    user: _User | None = None


_LINE_DECODER = msgspec.json.Decoder(Line)


def decode_line(text: str | bytes) -> Line | None:
    """The record as a typed Line if it is one JSON object of the contract's shape, else None."""
    try:
        return _LINE_DECODER.decode(text)
    except (msgspec.DecodeError, RecursionError):   # not JSON, not the contract's shape, too deep
        return None


@dataclass(frozen=True)
class Rejection:
    """Why a record was refused: a stable code, the field at fault, a human message."""

    code: str
    field: str | None
    message: str


class _Oversized(str):
    """A JSON integer too long to be a quantity or an amount (kept as its text)."""


class _NonFinite(str):
    """NaN, Infinity or -Infinity: accepted by the parser only so it can be rejected."""


def _parse_int(text: str):
    return _Oversized(text) if len(text.lstrip("-")) > 20 else int(text)


def _parse_constant(text: str):
    return _NonFinite(text)


# The lenient decoder, used where the fast one (orjson) refuses a record: it accepts
# NaN/Infinity and integers of any length so that they become values the checks below
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


def record_hash(value) -> str:
    """A digest of the record's canonical JSON (sorted keys, no spaces): equal content, equal hash."""
    canonical = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(canonical, digest_size=16).hexdigest()


class _Refused(Exception):
    def __init__(self, code, field, message):
        super().__init__(message)
        self.rejection = Rejection(code, field, message)


def check(value, text: str | bytes | None = None) -> tuple[tuple, Rejection | None]:
    """Check one decoded record: (the typed COLUMNS, None) or (partial columns, Rejection).

    ``value`` is a typed ``Line`` (from decode_line) or any decoded JSON value. A Line
    that fails a check is judged again from ``text`` the general way, so the rejection
    says exactly what any record would be told. On rejection the columns hold at most
    the transaction_id, if it was a string.
    """
    if type(value) is Line:
        try:
            return _check_line(value), None
        except (_GeneralPath, _Refused):
            value = decode(text)
    if type(value) is not dict:
        return NO_COLUMNS, Rejection(NOT_AN_OBJECT, None, f"record is a JSON {_json_kind(value)}, not an object")
    try:
        return _check_record(value), None
    except _Refused as refused:
        tid = value.get("transaction_id")
        partial = (tid if isinstance(tid, str) else None,) + NO_COLUMNS[1:]
        return partial, refused.rejection


def _json_kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (_Oversized, _NonFinite, int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _describe(value) -> str:
    if isinstance(value, (_Oversized, _NonFinite)):
        text = str(value)
    else:
        try:
            text = orjson.dumps(value).decode()
        except (TypeError, orjson.JSONEncodeError):
            text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _wrong_type(field: str, expected: str, value) -> _Refused:
    return _Refused(WRONG_TYPE, field, f"{field} must be {expected}, got {_json_kind(value)} {_describe(value)}")


def _required_string(record: dict, key: str, field: str) -> str:
    value = record.get(key)
    if type(value) is str and value and not value.isspace():
        return value
    if value is None:
        raise _Refused(MISSING_FIELD, field, f"{field} is required but missing")
    if not isinstance(value, str):
        raise _wrong_type(field, "a string", value)
    raise _Refused(MISSING_FIELD, field, f"{field} is required but empty")


def _optional_string(record: dict, key: str, field: str) -> str | None:
    value = record.get(key)
    if value is None or type(value) is str:
        return value
    raise _wrong_type(field, "a string or null", value)


def _cents(value, field: str) -> int:
    """Exact integer cents from a JSON number >= 0 with at most two decimals.

    Floats are exact enough here: below MAX_PRICE a number with at most two decimals
    has at most 15 significant digits, so repr() gives back exactly the digits sent and
    round(value * 100) is the exact cent amount.
    """
    kind = type(value)
    if kind is int:
        if value < 0:
            raise _Refused(OUT_OF_RANGE, field, f"{field} must be >= 0, got {value}")
        if value >= MAX_PRICE:
            raise _Refused(OUT_OF_RANGE, field, f"{field} {_describe(value)} is too large")
        return value * 100
    if kind is float:
        if math.isnan(value):
            raise _Refused(OUT_OF_RANGE, field, f"{field} must be a finite number, got NaN")
        if value in (math.inf, -math.inf):
            raise _Refused(OUT_OF_RANGE, field, f"{field} is out of range (too large, or Infinity)")
        if value < 0:
            raise _Refused(OUT_OF_RANGE, field, f"{field} must be >= 0, got {_describe(value)}")
        if value >= MAX_PRICE:
            raise _Refused(OUT_OF_RANGE, field, f"{field} {_describe(value)} is too large")
        text = repr(value)
        if "e" in text:
            if value != 0:
                raise _Refused(TOO_MANY_DECIMALS, field, f"{field} {text} has more than 2 decimals")
        elif len(text) - text.index(".") > 3:
            raise _Refused(TOO_MANY_DECIMALS, field, f"{field} {text} has more than 2 decimals")
        return round(value * 100)
    if isinstance(value, _NonFinite):
        raise _Refused(OUT_OF_RANGE, field, f"{field} must be a finite number, got {value}")
    if isinstance(value, _Oversized):
        raise _Refused(OUT_OF_RANGE, field, f"{field} {_describe(value)} is too large")
    raise _wrong_type(field, "a number", value)


def _quantity(value) -> int:
    if type(value) is int:
        if 1 <= value <= MAX_QUANTITY:
            return value
        raise _Refused(OUT_OF_RANGE, "quantity", f"quantity {value} is out of range (1 to {MAX_QUANTITY})")
    if value is None:
        raise _Refused(MISSING_FIELD, "quantity", "quantity is required but missing")
    # orjson reads an integer beyond 64 bits as a float: it is still out of range
    if isinstance(value, (_Oversized, _NonFinite)) or (
            type(value) is float and value.is_integer() and abs(value) > MAX_QUANTITY):
        raise _Refused(OUT_OF_RANGE, "quantity",
                       f"quantity {_describe(value)} is out of range (1 to {MAX_QUANTITY})")
    raise _wrong_type("quantity", "an integer", value)


def utc_timestamp(text: str) -> datetime:
    """Parse an ISO-8601 timestamp; no offset means UTC. Raises ValueError."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@lru_cache(maxsize=4_096)
def _moment(text: str) -> tuple[str, str, int] | None:
    """(event_ts, event_date, date_key) in UTC for a timestamp text, or None if it is not one.

    Cached: the lines of one order, and busy seconds, share their timestamp text. Files
    come roughly in time order, so a small cache catches nearly all repeats (65,536
    entries held 20 MB more for no measurable gain).
    """
    if len(text) <= 10:          # a date alone is not a date-time
        return None
    try:
        moment = utc_timestamp(text)
    except (ValueError, OverflowError):
        return None
    # YYYY-MM-DDTHH:MM:SS.ffffffZ, the year always four digits (so the text sorts, and
    # PostgreSQL does not read year 5 as 2005)
    event_ts = moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return event_ts, event_ts[:10], moment.year * 10000 + moment.month * 100 + moment.day


def _timestamp(value) -> tuple[str, str, int]:
    if type(value) is str:
        moment = _moment(value)
        if moment is None:
            raise _Refused(BAD_TIMESTAMP, "timestamp",
                           f"timestamp {_describe(value)} is not an ISO-8601 date-time")
        return moment
    if value is None:
        raise _Refused(MISSING_FIELD, "timestamp", "timestamp is required but missing")
    raise _wrong_type("timestamp", "an ISO-8601 string", value)


def _registration_date(registered: str | None) -> str | None:
    if registered is not None and not _is_date(registered):
        raise _Refused(BAD_DATE, "user.registration_date",
                       f"user.registration_date {_describe(registered)} is not a YYYY-MM-DD date")
    return registered


@lru_cache(maxsize=16_384)
def _is_date(text: str) -> bool:
    """Whether text is a real YYYY-MM-DD date (cached: a user's date repeats on every line)."""
    try:
        return _DATE.fullmatch(text) is not None and date.fromisoformat(text) is not None
    except ValueError:
        return False


def _check_record(record: dict) -> tuple:
    transaction_id = _required_string(record, "transaction_id", "transaction_id")
    order_id = _optional_string(record, "order_id", "order_id")
    if order_id is not None and (not order_id or order_id.isspace()):
        raise _Refused(MISSING_FIELD, "order_id", "order_id is empty (omit it to default to transaction_id)")
    event_ts, event_date, date_key = _timestamp(record.get("timestamp"))
    quantity = _quantity(record.get("quantity"))
    price = record.get("price")
    if price is None:
        raise _Refused(MISSING_FIELD, "price", "price is required but missing")
    price_cents = _cents(price, "price")
    status = record.get("status")
    if status is not None and (type(status) is not str or status not in STATUSES):
        raise _Refused(UNKNOWN_STATUS, "status",
                       f"status {_describe(status)} is not one of completed, cancelled, refunded")

    user = record.get("user")
    if user is None:
        user_columns = (None, None, None, None)
    elif type(user) is dict:
        user_columns = (
            _required_string(user, "user_id", "user.user_id"),
            _optional_string(user, "name", "user.name"),
            _optional_string(user, "email", "user.email"),
            _registration_date(_optional_string(user, "registration_date", "user.registration_date")),
        )
    else:
        raise _wrong_type("user", "an object or null", user)

    product = record.get("product")
    if product is None:
        raise _Refused(MISSING_FIELD, "product", "product is required but missing")
    if type(product) is not dict:
        raise _wrong_type("product", "an object", product)
    product_id = _required_string(product, "product_id", "product.product_id")
    unit_price = product.get("unit_price")
    return (
        transaction_id, order_id, event_ts, event_date, date_key,
        quantity, price_cents, status,
        *user_columns,
        product_id,
        _optional_string(product, "name", "product.name"),
        _optional_string(product, "category", "product.category"),
        None if unit_price is None else _cents(unit_price, "product.unit_price"),
    )


class _GeneralPath(Exception):
    """The fast path will not accept this record; the general path will say why."""


def _check_line(line: Line) -> tuple:
    """The typed COLUMNS of a Line, whose JSON types msgspec has checked.

    The same rules as _check_record, for the fields a type cannot express: blank texts,
    an empty order_id, the timestamp, money with at most two decimals, the date. A record
    that breaks one raises _GeneralPath (or _Refused), and check() judges it again the
    general way, which names the reason. (Written out flat: it runs once per record, and
    calls cost more than the checks.)
    """
    transaction_id = line.transaction_id
    if transaction_id.isspace():
        raise _GeneralPath
    order_id = line.order_id
    if order_id is not None and (not order_id or order_id.isspace()):
        raise _GeneralPath
    moment = _moment(line.timestamp)
    if moment is None:
        raise _GeneralPath
    price_cents = _exact_cents(line.price, "price")
    user = line.user
    if user is None:
        user_columns = (None, None, None, None)
    else:
        registered = user.registration_date
        if user.user_id.isspace() or (registered is not None and not _is_date(registered)):
            raise _GeneralPath
        user_columns = (user.user_id, user.name, user.email, registered)
    product = line.product
    if product.product_id.isspace():
        raise _GeneralPath
    unit_price = product.unit_price
    if unit_price is not None:
        unit_price = _exact_cents(unit_price, "product.unit_price")
    return ((transaction_id, order_id) + moment
            + (line.quantity, price_cents, line.status) + user_columns
            + (product.product_id, product.name, product.category, unit_price))


def _exact_cents(value, field: str) -> int:
    """_cents, with a shortcut for the usual in-range amount.

    For 0 <= value < MAX_PRICE, ``round(value * 100) / 100 == value`` holds exactly when
    the float's shortest text has at most two decimals (what _cents checks): such a
    float is the nearest one to cents/100, and no other float is. Anything else is left
    to _cents, which accepts or names the reason.
    """
    if type(value) is float:
        if 0 <= value < MAX_PRICE:
            cents = round(value * 100)
            if cents / 100 == value:
                return cents
    elif type(value) is int and 0 <= value < MAX_PRICE:
        return value * 100
    return _cents(value, field)
