"""Splitting the URLs of a page view into the parts the model reads.

A page URL must be absolute, http or https, with a host; it is split into its host
(lower-case, without port or credentials), its path (``/`` when empty; a trailing ``/``
dropped, so ``/cart/`` and ``/cart`` are one page) and the query parameters the model
reads: ``utm_source``, ``utm_medium``, ``utm_campaign`` and ``order_id`` (on the order
confirmation page). A referrer is any absolute URL with a host; only its host is kept
apart. Everything else about a URL stays in Bronze, in the record's text.

Both are cached: a shop's page URLs and referrers repeat from one view to the next.
A URL not seen yet takes a fast path when it has the common shape (printable ASCII, a
host of letters, digits, dots and hyphens, no credentials or port): one regular
expression splits it, and the query is read only when it may hold a parameter the
model reads (split on '&' and '=' by hand when there is nothing to unquote). Anything
else goes through ``urllib.parse``; both give the same parts (tests/test_events_urls.py
compares them on tricky and on generated URLs).
"""

from __future__ import annotations

import re
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


# The common shapes, in printable ASCII without spaces (what urlsplit then takes as is):
# scheme://host[/path][?query][#fragment], the host without credentials, port or brackets.
# Path characters: all but '#' and '?'; query characters: all but '#'.
_PAGE_SHAPE = re.compile(r"(?i:https?)://([A-Za-z0-9.-]+)(/[!-\"$->@-~]*)?(?:\?([!-\"$-~]*))?(?:#[!-~]*)?",
                         re.ASCII)
_REFERRER_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)(?:[/?#][!-~]*)?", re.ASCII)


@lru_cache(maxsize=65_536)
def page_url(text: str) -> PageUrl | None:
    """The parts of an absolute http(s) URL with a host; None if it is not one."""
    shape = _PAGE_SHAPE.fullmatch(text)
    if shape is None:
        return page_url_general(text)
    host, path, query = shape.groups()
    if path is None or path == "/":
        path = "/"
    elif path.endswith("/"):
        path = path[:-1]
    if not query or ("%" not in query and not any(name in query for name in QUERY_PARAMETERS)):
        return PageUrl(text, host.lower(), path, None, None, None, None)
    if "%" in query or "+" in query:
        return PageUrl(text, host.lower(), path, *_parameters(query))
    # nothing to unquote: parse_qsl's split, keeping what it keeps (name=value, value not empty)
    found = dict.fromkeys(QUERY_PARAMETERS)
    for pair in query.split("&"):
        key, _equals, value = pair.partition("=")
        if value and key in found and found[key] is None:
            found[key] = value
    return PageUrl(text, host.lower(), path, *found.values())


def page_url_general(text: str) -> PageUrl | None:
    """page_url through urllib.parse, for any URL (the fast path's reference)."""
    parts = _split(text)
    if parts is None or parts.scheme.lower() not in PAGE_SCHEMES:
        return None
    host = parts.hostname
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return PageUrl(text, host, path, *_parameters(parts.query))


def _parameters(query: str) -> tuple:
    """The first value of each of QUERY_PARAMETERS in a query string (None if absent)."""
    found = dict.fromkeys(QUERY_PARAMETERS)
    if query:
        for key, value in parse_qsl(query):
            if key in found and found[key] is None:
                found[key] = value
    return tuple(found.values())


@lru_cache(maxsize=16_384)
def referrer_host(text: str) -> str | None:
    """The host of an absolute URL (lower-case), or None if it has none."""
    shape = _REFERRER_SHAPE.fullmatch(text)
    if shape is not None:
        return shape.group(1).lower()
    return referrer_host_general(text)


def referrer_host_general(text: str) -> str | None:
    """referrer_host through urllib.parse, for any URL (the fast path's reference)."""
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
