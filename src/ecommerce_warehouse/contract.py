"""The input contract: what one order-line record must look like, checked field by field.

``check(value)`` turns one decoded JSON record into the typed columns of
``raw_transactions``, or into a ``Rejection`` with a stable reason code, the field at
fault and a message that names it. The same rules are published as a JSON Schema in
``docs/transaction.schema.json`` and as a table in ``docs/CONTRACT.md``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

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

STATUSES = ("completed", "cancelled", "refunded")
MAX_QUANTITY = 2**31 - 1
MAX_CENTS = 2**63 - 1     # the largest amount a BIGINT column holds
MAX_PRICE_DIGITS = 15     # a price of 10**15 or more is refused as out of range
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    return _Oversized(text) if len(text.lstrip("-")) > 18 else int(text)


def _parse_constant(text: str):
    return _NonFinite(text)


# The decoder every reader uses: exact decimals, no float rounding, no crash on
# 5000-digit numbers or NaN (those become values the checks below refuse).
DECODER = json.JSONDecoder(
    parse_float=Decimal, parse_int=_parse_int, parse_constant=_parse_constant
)


def _canonical(value):
    if isinstance(value, Decimal):
        return {"$number": str(value.normalize()) if value.is_finite() else str(value)}
    raise TypeError(type(value).__name__)


def canonical_json(value) -> str:
    """The record as canonical JSON (sorted keys, no spaces): equal content, equal text."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_canonical
    )


def check(value) -> tuple[dict, Rejection | None]:
    """Check one decoded record. Returns (columns, None) or (partial columns, Rejection)."""
    if not isinstance(value, dict):
        return {}, Rejection(NOT_AN_OBJECT, None, f"record is a JSON {_json_kind(value)}, not an object")
    columns: dict = {}
    tid = value.get("transaction_id")
    if isinstance(tid, str):
        columns["transaction_id"] = tid
    try:
        _check_record(value, columns)
    except _Refused as refused:
        return columns, refused.rejection
    return columns, None


class _Refused(Exception):
    def __init__(self, code, field, message):
        super().__init__(message)
        self.rejection = Rejection(code, field, message)


def _json_kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (_Oversized, _NonFinite, int, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _describe(value) -> str:
    text = canonical_json(value) if not isinstance(value, (_Oversized, _NonFinite)) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _required_string(record: dict, key: str, field: str) -> str:
    value = record.get(key)
    if value is None:
        raise _Refused(MISSING_FIELD, field, f"{field} is required but missing")
    if not isinstance(value, str):
        raise _Refused(WRONG_TYPE, field, f"{field} must be a string, got {_json_kind(value)} {_describe(value)}")
    if not value.strip():
        raise _Refused(MISSING_FIELD, field, f"{field} is required but empty")
    return value


def _optional_string(record: dict, key: str, field: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _Refused(WRONG_TYPE, field, f"{field} must be a string or null, got {_json_kind(value)} {_describe(value)}")


def _cents(value, field: str) -> int:
    """Exact integer cents from a JSON number with at most two decimals, >= 0."""
    if isinstance(value, _NonFinite):
        raise _Refused(OUT_OF_RANGE, field, f"{field} must be a finite number, got {value}")
    if isinstance(value, _Oversized):
        raise _Refused(OUT_OF_RANGE, field, f"{field} {_describe(value)} is too large")
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise _Refused(WRONG_TYPE, field, f"{field} must be a number, got {_json_kind(value)} {_describe(value)}")
    too_large = _Refused(OUT_OF_RANGE, field, f"{field} {_describe(value)} is too large")
    if isinstance(value, int):
        if value >= 10**MAX_PRICE_DIGITS:
            raise too_large
        cents = value * 100
    else:
        if value.adjusted() >= MAX_PRICE_DIGITS:
            raise too_large
        sign, digits, exponent = value.as_tuple()
        if exponent < -2:
            extra = -2 - exponent
            if any(digits[-extra:]):
                raise _Refused(TOO_MANY_DECIMALS, field,
                               f"{field} {_describe(value)} has more than 2 decimals")
            digits = digits[:-extra]
            exponent = -2
        magnitude = int("".join(map(str, digits)) or "0") * 10 ** (exponent + 2)
        cents = -magnitude if sign else magnitude
    if cents < 0:
        raise _Refused(OUT_OF_RANGE, field, f"{field} must be >= 0, got {_describe(value)}")
    return cents


def _quantity(value) -> int:
    if value is None:
        raise _Refused(MISSING_FIELD, "quantity", "quantity is required but missing")
    if isinstance(value, (_Oversized, _NonFinite)):
        raise _Refused(OUT_OF_RANGE, "quantity", f"quantity {_describe(value)} is out of range (1 to {MAX_QUANTITY})")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Refused(WRONG_TYPE, "quantity", f"quantity must be an integer, got {_json_kind(value)} {_describe(value)}")
    if not 1 <= value <= MAX_QUANTITY:
        raise _Refused(OUT_OF_RANGE, "quantity", f"quantity {value} is out of range (1 to {MAX_QUANTITY})")
    return value


def utc_timestamp(text: str) -> datetime:
    """Parse an ISO-8601 timestamp; no offset means UTC. Raises ValueError."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _timestamp(value) -> datetime:
    if value is None:
        raise _Refused(MISSING_FIELD, "timestamp", "timestamp is required but missing")
    if not isinstance(value, str):
        raise _Refused(WRONG_TYPE, "timestamp", f"timestamp must be an ISO-8601 string, got {_json_kind(value)} {_describe(value)}")
    try:
        return utc_timestamp(value)
    except (ValueError, OverflowError):
        raise _Refused(BAD_TIMESTAMP, "timestamp",
                       f"timestamp {_describe(value)} is not an ISO-8601 date-time") from None


def _check_record(record: dict, out: dict) -> None:
    out["transaction_id"] = _required_string(record, "transaction_id", "transaction_id")
    order_id = _optional_string(record, "order_id", "order_id")
    if order_id is not None and not order_id.strip():
        raise _Refused(MISSING_FIELD, "order_id", "order_id is empty (omit it to default to transaction_id)")
    moment = _timestamp(record.get("timestamp"))
    quantity = _quantity(record.get("quantity"))
    if record.get("price") is None:
        raise _Refused(MISSING_FIELD, "price", "price is required but missing")
    price_cents = _cents(record.get("price"), "price")
    if quantity * price_cents > MAX_CENTS:
        raise _Refused(OUT_OF_RANGE, "quantity", "quantity * price is too large to store")
    status = record.get("status")
    if status is not None and status not in STATUSES:
        raise _Refused(UNKNOWN_STATUS, "status",
                       f"status {_describe(status)} is not one of {', '.join(STATUSES)}")

    user = record.get("user")
    user_columns = dict.fromkeys(("user_id", "user_name", "user_email", "user_registration_date"))
    if user is not None:
        if not isinstance(user, dict):
            raise _Refused(WRONG_TYPE, "user", f"user must be an object or null, got {_json_kind(user)}")
        user_columns["user_id"] = _required_string(user, "user_id", "user.user_id")
        user_columns["user_name"] = _optional_string(user, "name", "user.name")
        user_columns["user_email"] = _optional_string(user, "email", "user.email")
        registered = _optional_string(user, "registration_date", "user.registration_date")
        if registered is not None:
            try:
                if not _DATE.fullmatch(registered):
                    raise ValueError
                date.fromisoformat(registered)
            except ValueError:
                raise _Refused(BAD_DATE, "user.registration_date",
                               f"user.registration_date {_describe(registered)} is not a YYYY-MM-DD date") from None
        user_columns["user_registration_date"] = registered

    product = record.get("product")
    if product is None:
        raise _Refused(MISSING_FIELD, "product", "product is required but missing")
    if not isinstance(product, dict):
        raise _Refused(WRONG_TYPE, "product", f"product must be an object, got {_json_kind(product)}")
    product_id = _required_string(product, "product_id", "product.product_id")
    unit_price = product.get("unit_price")
    unit_price_cents = None if unit_price is None else _cents(unit_price, "product.unit_price")

    out.update(
        order_id=order_id,
        event_ts=moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        event_date=moment.strftime("%Y-%m-%d"),
        date_key=moment.year * 10000 + moment.month * 100 + moment.day,
        quantity=quantity,
        price_cents=price_cents,
        order_status=status,
        product_id=product_id,
        product_name=_optional_string(product, "name", "product.name"),
        product_category=_optional_string(product, "category", "product.category"),
        product_unit_price_cents=unit_price_cents,
        **user_columns,
    )
