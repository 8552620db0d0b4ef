"""The contract of the ``transactions`` kind: what one order-line record must look like.

``check(value)`` turns one decoded JSON record into the typed columns of
``raw_transactions``, or into a ``Rejection`` with a stable reason code, the field at
fault and a message that names it; ``judge(record)`` does it for a record as read. The
same rules are published as a JSON Schema in ``docs/transaction.schema.json`` and as a
table in ``docs/CONTRACT.md``.
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import lru_cache
from typing import Annotated, Literal

import msgspec

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
    decode,
    describe,
    duplicate_key,
    json_kind,
    optional_string,
    required_string,
    utc_timestamp,
    wrong_type,
)

# Stable reason codes of order lines (documented in docs/CONTRACT.md; never renamed).
TOO_MANY_DECIMALS = "too_many_decimals"
BAD_DATE = "bad_date"
UNKNOWN_STATUS = "unknown_status"

REASON_CODES = (
    INVALID_JSON, NOT_AN_OBJECT, MISSING_FIELD, WRONG_TYPE, OUT_OF_RANGE,
    TOO_MANY_DECIMALS, BAD_TIMESTAMP, BAD_DATE, UNKNOWN_STATUS, CONFLICTING_DUPLICATE,
    DUPLICATE_KEY,
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


# The fields are declared in the order the generator (and most writers) put the keys, so
# that re-encoding a decoded record usually gives back its very text: proof that no key was
# repeated (decode_line).
class _User(msgspec.Struct, kw_only=True):
    user_id: _NonEmpty
    name: str | None = None
    email: str | None = None
    registration_date: str | None = None


class _Product(msgspec.Struct, kw_only=True):
    product_id: _NonEmpty
    name: str | None = None
    category: str | None = None
    unit_price: int | float | None = None


class Line(msgspec.Struct, kw_only=True):
    """One order line as the contract wants it; unknown fields are ignored (Bronze keeps them)."""

    transaction_id: _NonEmpty
    order_id: str | None = None
    timestamp: str
    status: Literal["completed", "cancelled", "refunded"] | None = None
    quantity: Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY)]
    price: int | float
    user: _User | None = None
    product: _Product


_LINE_DECODER = msgspec.json.Decoder(Line)
_LINE_ENCODER = msgspec.json.Encoder()


def decode_line(text: str | bytes) -> Line | None:
    """The record as a typed Line if it is one JSON object of the contract's shape with no key
    repeated in any object, else None.

    A parser keeps one value of a repeated key silently, so a record is taken here only when
    it has none: re-encoding the Line gives back the record's very text (the usual case,
    half a microsecond), or, for a record written otherwise, a slower exact look finds no
    repeated key. A record with one goes down the general path, which rejects it.
    """
    try:
        line = _LINE_DECODER.decode(text)
    except (msgspec.DecodeError, RecursionError):   # not JSON, not the contract's shape, too deep
        return None
    same = _LINE_ENCODER.encode(line)
    if same == (text if isinstance(text, bytes) else text.encode()) or duplicate_key(text) is None:
        return line
    return None


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
        except (_GeneralPath, Refused):
            value = decode(text)
    if type(value) is not dict:
        return NO_COLUMNS, Rejection(NOT_AN_OBJECT, None, f"record is a JSON {json_kind(value)}, not an object")
    try:
        return _check_record(value), None
    except Refused as refused:
        tid = value.get("transaction_id")
        partial = (tid if isinstance(tid, str) else None,) + NO_COLUMNS[1:]
        return partial, refused.rejection



def judge(record: RawRecord) -> tuple[tuple, Rejection | None]:
    """A record's typed columns and, if the contract refuses it, why."""
    if record.error is not None:
        tid = record.value.get("transaction_id") if type(record.value) is dict else None
        partial = (tid if isinstance(tid, str) else None,) + NO_COLUMNS[1:]
        return partial, record.error
    return check(record.value, record.text)


# The fast decoder the reader tries first on each record (load/reader.py).
decode_fast = decode_line


def _cents(value, field: str) -> int:
    """Exact integer cents from a JSON number >= 0 with at most two decimals.

    Floats are exact enough here: below MAX_PRICE a number with at most two decimals
    has at most 15 significant digits, so repr() gives back exactly the digits sent and
    round(value * 100) is the exact cent amount.
    """
    kind = type(value)
    if kind is int:
        if value < 0:
            raise Refused(OUT_OF_RANGE, field, f"{field} must be >= 0, got {value}")
        if value >= MAX_PRICE:
            raise Refused(OUT_OF_RANGE, field, f"{field} {describe(value)} is too large")
        return value * 100
    if kind is float:
        if math.isnan(value):
            raise Refused(OUT_OF_RANGE, field, f"{field} must be a finite number, got NaN")
        if value in (math.inf, -math.inf):
            raise Refused(OUT_OF_RANGE, field, f"{field} is out of range (too large, or Infinity)")
        if value < 0:
            raise Refused(OUT_OF_RANGE, field, f"{field} must be >= 0, got {describe(value)}")
        if value >= MAX_PRICE:
            raise Refused(OUT_OF_RANGE, field, f"{field} {describe(value)} is too large")
        text = repr(value)
        if "e" in text:
            if value != 0:
                raise Refused(TOO_MANY_DECIMALS, field, f"{field} {text} has more than 2 decimals")
        elif len(text) - text.index(".") > 3:
            raise Refused(TOO_MANY_DECIMALS, field, f"{field} {text} has more than 2 decimals")
        return round(value * 100)
    if isinstance(value, NonFinite):
        raise Refused(OUT_OF_RANGE, field, f"{field} must be a finite number, got {value}")
    if isinstance(value, Oversized):
        raise Refused(OUT_OF_RANGE, field, f"{field} {describe(value)} is too large")
    raise wrong_type(field, "a number", value)


def _quantity(value) -> int:
    if type(value) is int:
        if 1 <= value <= MAX_QUANTITY:
            return value
        raise Refused(OUT_OF_RANGE, "quantity", f"quantity {value} is out of range (1 to {MAX_QUANTITY})")
    if value is None:
        raise Refused(MISSING_FIELD, "quantity", "quantity is required but missing")
    # orjson reads an integer beyond 64 bits as a float: it is still out of range
    if isinstance(value, (Oversized, NonFinite)) or (
            type(value) is float and value.is_integer() and abs(value) > MAX_QUANTITY):
        raise Refused(OUT_OF_RANGE, "quantity",
                       f"quantity {describe(value)} is out of range (1 to {MAX_QUANTITY})")
    raise wrong_type("quantity", "an integer", value)


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
            raise Refused(BAD_TIMESTAMP, "timestamp",
                           f"timestamp {describe(value)} is not an ISO-8601 date-time")
        return moment
    if value is None:
        raise Refused(MISSING_FIELD, "timestamp", "timestamp is required but missing")
    raise wrong_type("timestamp", "an ISO-8601 string", value)


def _registration_date(registered: str | None) -> str | None:
    if registered is not None and not _is_date(registered):
        raise Refused(BAD_DATE, "user.registration_date",
                       f"user.registration_date {describe(registered)} is not a YYYY-MM-DD date")
    return registered


@lru_cache(maxsize=16_384)
def _is_date(text: str) -> bool:
    """Whether text is a real YYYY-MM-DD date (cached: a user's date repeats on every line)."""
    try:
        return _DATE.fullmatch(text) is not None and date.fromisoformat(text) is not None
    except ValueError:
        return False


def _check_record(record: dict) -> tuple:
    transaction_id = required_string(record, "transaction_id", "transaction_id")
    order_id = optional_string(record, "order_id", "order_id")
    if order_id is not None and (not order_id or order_id.isspace()):
        raise Refused(MISSING_FIELD, "order_id", "order_id is empty (omit it to default to transaction_id)")
    event_ts, event_date, date_key = _timestamp(record.get("timestamp"))
    quantity = _quantity(record.get("quantity"))
    price = record.get("price")
    if price is None:
        raise Refused(MISSING_FIELD, "price", "price is required but missing")
    price_cents = _cents(price, "price")
    status = record.get("status")
    if status is not None and (type(status) is not str or status not in STATUSES):
        raise Refused(UNKNOWN_STATUS, "status",
                       f"status {describe(status)} is not one of completed, cancelled, refunded")

    user = record.get("user")
    if user is None:
        user_columns = (None, None, None, None)
    elif type(user) is dict:
        user_columns = (
            required_string(user, "user_id", "user.user_id"),
            optional_string(user, "name", "user.name"),
            optional_string(user, "email", "user.email"),
            _registration_date(optional_string(user, "registration_date", "user.registration_date")),
        )
    else:
        raise wrong_type("user", "an object or null", user)

    product = record.get("product")
    if product is None:
        raise Refused(MISSING_FIELD, "product", "product is required but missing")
    if type(product) is not dict:
        raise wrong_type("product", "an object", product)
    product_id = required_string(product, "product_id", "product.product_id")
    unit_price = product.get("unit_price")
    return (
        transaction_id, order_id, event_ts, event_date, date_key,
        quantity, price_cents, status,
        *user_columns,
        product_id,
        optional_string(product, "name", "product.name"),
        optional_string(product, "category", "product.category"),
        None if unit_price is None else _cents(unit_price, "product.unit_price"),
    )


class _GeneralPath(Exception):
    """The fast path will not accept this record; the general path will say why."""


def _check_line(line: Line) -> tuple:
    """The typed COLUMNS of a Line, whose JSON types msgspec has checked.

    The same rules as _check_record, for the fields a type cannot express: blank texts,
    an empty order_id, the timestamp, money with at most two decimals, the date. A record
    that breaks one raises _GeneralPath (or Refused), and check() judges it again the
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
