"""The contract of the ``events`` kind: what one page-view record must look like.

``check(value)`` turns one decoded JSON record into the typed columns of ``raw_events``,
or into a ``Rejection`` with a stable reason code, the field at fault and a message that
names it; ``judge(record)`` does it for a record as read. The same rules are published
as a JSON Schema in ``docs/event.schema.json`` and as a table in ``docs/EVENTS.md``.

What the contract types, the business rules do not: it splits the page URL into host,
path and the query parameters the model reads (``urls.py``), takes the referrer's host,
and gives a record without an ``event_id`` one derived from its canonical content. Page
types, referrer domains, channels and bots are SQL rules over these columns (Silver).
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Annotated

import msgspec

from ecommerce_warehouse.load.records import (
    BAD_TIMESTAMP,
    CONFLICTING_DUPLICATE,
    INVALID_JSON,
    MISSING_FIELD,
    NOT_AN_OBJECT,
    WRONG_TYPE,
    RawRecord,
    Refused,
    Rejection,
    decode,
    describe,
    json_kind,
    record_hash,
    utc_timestamp,
    wrong_type,
)
from ecommerce_warehouse.sources.events.urls import PageUrl, page_url, referrer_host

# Stable reason codes of page views (documented in docs/EVENTS.md; never renamed).
BAD_URL = "bad_url"
BAD_IP = "bad_ip"

REASON_CODES = (
    INVALID_JSON, NOT_AN_OBJECT, MISSING_FIELD, WRONG_TYPE, BAD_TIMESTAMP, BAD_URL, BAD_IP,
    CONFLICTING_DUPLICATE,
)

# An event without an event_id gets this prefix and the digest of its canonical JSON.
DERIVED_PREFIX = "derived-"

# The typed columns of raw_events that check() fills, in this order.
COLUMNS = (
    "event_id", "event_id_derived", "event_ts", "event_date", "date_key", "event_epoch_us",
    "page_url", "page_host", "page_path", "utm_source", "utm_medium", "utm_campaign",
    "query_order_id", "anonymous_id", "user_id", "session_id", "referrer", "referrer_host",
    "ip", "user_agent",
)
NO_COLUMNS = (None,) * len(COLUMNS)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


# -- the fast path: a typed decode of the common, valid record ------------------------
# As for order lines: msgspec checks the JSON types in C; a record it accepts still goes
# through the same Python checks (_check_view), and one it refuses is decoded again the
# general way and judged by _check_record, which names the reason.
_NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class PageView(msgspec.Struct):
    """One page view as the contract wants it; unknown fields are ignored (Bronze keeps them)."""

    timestamp: str
    page_url: str
    event_id: _NonEmpty | None = None
    anonymous_id: _NonEmpty | None = None
    user_id: _NonEmpty | None = None
    session_id: _NonEmpty | None = None
    referrer: str | None = None
    ip: str | None = None
    user_agent: str | None = None


_DECODER = msgspec.json.Decoder(PageView)


def decode_fast(text: str | bytes) -> PageView | None:
    """The record as a typed PageView if it is one JSON object of the contract's shape, else None."""
    try:
        return _DECODER.decode(text)
    except (msgspec.DecodeError, RecursionError):
        return None


def judge(record: RawRecord) -> tuple[tuple, Rejection | None]:
    """A record's typed columns and, if the contract refuses it, why."""
    value = record.value
    if type(value) is PageView and value.event_id is not None:     # check()'s fast path
        try:
            return _check_view(value), None
        except (_GeneralPath, Refused):
            pass
    if record.error is not None:
        return NO_COLUMNS, record.error
    return check(value, record.text)


def check(value, text: str | bytes | None = None) -> tuple[tuple, Rejection | None]:
    """Check one decoded record: (the typed COLUMNS, None) or (partial columns, Rejection).

    ``value`` is a typed ``PageView`` (from decode_fast) or any decoded JSON value; a
    PageView without an event_id, or one that fails a check, is judged again from
    ``text`` the general way. On rejection the columns hold at most the event_id, if it
    was a string.
    """
    if type(value) is PageView:
        if value.event_id is not None:
            try:
                return _check_view(value), None
            except (_GeneralPath, Refused):
                pass
        value = decode(text)
    if type(value) is not dict:
        return NO_COLUMNS, Rejection(NOT_AN_OBJECT, None, f"record is a JSON {json_kind(value)}, not an object")
    try:
        return _check_record(value), None
    except Refused as refused:
        event_id = value.get("event_id")
        partial = (event_id if isinstance(event_id, str) else None,) + NO_COLUMNS[1:]
        return partial, refused.rejection


# --- field rules ---------------------------------------------------------------------------

def moment(text: str) -> tuple[str, str, int, int] | None:
    """(event_ts, event_date, date_key, event_epoch_us) in UTC for a timestamp text, or None."""
    if len(text) <= 10:          # a date alone is not a date-time
        return None
    if len(text) == 24 and _UTC_MILLISECONDS.fullmatch(text):
        found = _utc_milliseconds(text)
        if found is not None:
            return found
    return _moment(text)


def _moment(text: str) -> tuple[str, str, int, int] | None:
    """moment() of any ISO-8601 text, through the datetime parser."""
    try:
        parsed = utc_timestamp(text)
    except (ValueError, OverflowError):
        return None
    event_ts = parsed.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return (event_ts, event_ts[:10], parsed.year * 10000 + parsed.month * 100 + parsed.day,
            (parsed - _EPOCH) // _MICROSECOND)


# The common timestamp, to the millisecond in UTC: 2025-03-06T12:34:56.789Z
_UTC_MILLISECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", re.ASCII)


@lru_cache(maxsize=1_024)
def _minute(prefix: str) -> tuple[str, int, int] | None:
    """(event_date, date_key, epoch microseconds) of a 'YYYY-MM-DDTHH:MM' text in UTC, or
    None if it is not a valid minute (cached: a file's page views share a few thousand)."""
    found = _moment(prefix + ":00Z")
    return None if found is None else found[1:]


def _utc_milliseconds(text: str) -> tuple[str, str, int, int] | None:
    """moment() of the common 'YYYY-MM-DDTHH:MM:SS.fffZ' (what trackers and the generator
    send) by slicing: the minute through the parser once (cached), the seconds and
    milliseconds as digits. The same result as _moment (a test compares them); None for
    anything else, which then takes the parser."""
    second = int(text[17:19])
    minute = _minute(text[:16])
    if minute is None or second > 59:
        return None
    event_date, date_key, minute_us = minute
    return (f"{text[:23]}000Z", event_date, date_key,
            minute_us + second * 1_000_000 + int(text[20:23]) * 1_000)


@lru_cache(maxsize=65_536)
def _is_ip(text: str) -> bool:
    """Whether text is an IPv4 or IPv6 address (cached: a visitor's address repeats)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _timestamp(value) -> tuple[str, str, int, int]:
    if type(value) is str:
        found = moment(value)
        if found is None:
            raise Refused(BAD_TIMESTAMP, "timestamp",
                           f"timestamp {describe(value)} is not an ISO-8601 date-time")
        return found
    if value is None:
        raise Refused(MISSING_FIELD, "timestamp", "timestamp is required but missing")
    raise wrong_type("timestamp", "an ISO-8601 string", value)


def _optional_id(record: dict, key: str) -> str | None:
    """A non-empty string, or None when absent or null."""
    value = record.get(key)
    if value is None:
        return None
    if type(value) is not str:
        raise wrong_type(key, "a string or null", value)
    if not value or value.isspace():
        raise Refused(MISSING_FIELD, key, f"{key} is empty (omit it, or give a non-empty string)")
    return value


def _optional_text(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None or type(value) is str:
        return value
    raise wrong_type(key, "a string or null", value)


def _page(value) -> PageUrl:
    if type(value) is str:
        found = page_url(value)
        if found is None:
            raise Refused(BAD_URL, "page_url",
                           f"page_url {describe(value)} is not an absolute http or https URL")
        return found
    if value is None:
        raise Refused(MISSING_FIELD, "page_url", "page_url is required but missing")
    raise wrong_type("page_url", "a string (an absolute http or https URL)", value)


def _referrer(value: str | None) -> str | None:
    """The referrer's host (lower-case); None when there is no referrer."""
    if not value:
        return None
    host = referrer_host(value)
    if host is None:
        raise Refused(BAD_URL, "referrer",
                       f"referrer {describe(value)} is not a URL with a host (give a URL, \"\" or null)")
    return host


def _ip(value: str | None) -> str | None:
    if value is not None and not _is_ip(value):
        raise Refused(BAD_IP, "ip", f"ip {describe(value)} is not an IPv4 or IPv6 address")
    return value


def derived_event_id(record: dict) -> str:
    """The id of an event that came without one: the digest of its canonical JSON, so an
    identical copy gets the same id (and is skipped as a duplicate)."""
    return DERIVED_PREFIX + record_hash(record)


def _check_record(record: dict) -> tuple:
    event_id = _optional_id(record, "event_id")
    moment_ = _timestamp(record.get("timestamp"))
    page = _page(record.get("page_url"))
    anonymous_id = _optional_id(record, "anonymous_id")
    user_id = _optional_id(record, "user_id")
    if anonymous_id is None and user_id is None:
        raise Refused(MISSING_FIELD, "anonymous_id",
                       "one of anonymous_id (the browser's cookie id) or user_id is required")
    session_id = _optional_id(record, "session_id")
    referrer = _optional_text(record, "referrer")
    host = _referrer(referrer)
    ip = _ip(_optional_text(record, "ip"))
    user_agent = _optional_text(record, "user_agent")
    derived = event_id is None
    if derived:
        event_id = derived_event_id(record)
    return (event_id, int(derived), *moment_, *page, anonymous_id, user_id, session_id,
            referrer, host, ip, user_agent)


class _GeneralPath(Exception):
    """The fast path will not accept this record; the general path will say why."""


def _check_view(view: PageView) -> tuple:
    """The typed COLUMNS of a PageView with an event_id, whose JSON types msgspec checked:
    the same rules as _check_record for what a type cannot express (blank ids, the
    timestamp, the URLs, the address)."""
    event_id = view.event_id
    anonymous_id = view.anonymous_id
    user_id = view.user_id
    session_id = view.session_id
    if (event_id.isspace() or (anonymous_id is None and user_id is None)
            or (anonymous_id is not None and anonymous_id.isspace())
            or (user_id is not None and user_id.isspace())
            or (session_id is not None and session_id.isspace())):
        raise _GeneralPath
    found = moment(view.timestamp)
    page = page_url(view.page_url)
    if found is None or page is None:
        raise _GeneralPath
    referrer = view.referrer
    host = referrer_host(referrer) if referrer else None
    if referrer and host is None:
        raise _GeneralPath
    ip = view.ip
    if ip is not None and not _is_ip(ip):
        raise _GeneralPath
    # tuples joined, not unpacked into a new one (a little less work per record)
    return ((event_id, 0) + found + page
            + (anonymous_id, user_id, session_id, referrer, host, ip, view.user_agent))

