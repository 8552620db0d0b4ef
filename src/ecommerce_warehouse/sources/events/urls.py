"""Splitting the URLs of a page view into the parts the model reads.

A page URL must be absolute, http or https, with a host; it is split into its host
(lower-case, without port or credentials), its path (``/`` when empty; a trailing ``/``
dropped, so ``/cart/`` and ``/cart`` are one page) and the query parameters the model
reads: ``utm_source``, ``utm_medium``, ``utm_campaign`` and ``order_id`` (on the order
confirmation page). A referrer is any absolute URL with a host; only its host is kept
apart. Everything else about a URL stays in Bronze, in the record's text.

Both are cached: a shop's page URLs and referrers repeat from one view to the next.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

PAGE_SCHEMES = frozenset(("http", "https"))
# The query parameters kept in columns of their own (the first value of each).
QUERY_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "order_id")


class PageUrl(NamedTuple):
    """A page URL and its parts, in the order of raw_events' columns."""

    page_url: str
    page_host: str
    page_path: str
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    query_order_id: str | None


@lru_cache(maxsize=65_536)
def page_url(text: str) -> PageUrl | None:
    """The parts of an absolute http(s) URL with a host; None if it is not one."""
    parts = _split(text)
    if parts is None or parts.scheme.lower() not in PAGE_SCHEMES:
        return None
    host = parts.hostname
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    found = dict.fromkeys(QUERY_PARAMETERS)
    if parts.query:
        for key, value in parse_qsl(parts.query):
            if key in found and found[key] is None:
                found[key] = value
    return PageUrl(text, host, path, *found.values())


@lru_cache(maxsize=16_384)
def referrer_host(text: str) -> str | None:
    """The host of an absolute URL (lower-case), or None if it has none."""
    parts = _split(text)
    return None if parts is None else parts.hostname


def _split(text: str):
    """urlsplit, or None when the text is not an absolute URL with a host."""
    if not text or text != text.strip() or any(ch in text for ch in " \t\r\n"):
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:          # e.g. an unclosed IPv6 bracket
        return None
    if not parts.scheme or not host:
        return None
    return parts
