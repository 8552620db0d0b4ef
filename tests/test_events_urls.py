"""The page URL's and the referrer's fast path (a regular expression for the common shapes)
gives exactly what urllib.parse gives, on tricky URLs and on generated ones."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ecommerce_warehouse.sources.events import urls
from ecommerce_warehouse.sources.events.urls import (
    PageUrl,
    page_url,
    page_url_general,
    referrer_host,
    referrer_host_general,
)

TRICKY = [
    "https://shop.example.com", "https://shop.example.com/", "https://shop.example.com//",
    "https://shop.example.com/cart/", "https://shop.example.com/cart//", "HTTPS://Shop.Example.COM/P/X",
    "hTtP://shop.example.com?utm_source=g", "https://shop.example.com/?", "https://shop.example.com?",
    "https://shop.example.com#", "https://shop.example.com/#top", "https://shop.example.com/a#x?utm_source=y",
    "https://shop.example.com/a?b#c?d", "https://shop.example.com/a?utm_source=g&utm_source=h",
    "https://shop.example.com/a?utm_source=&utm_source=h", "https://shop.example.com/a?utm_source",
    "https://shop.example.com/a?utm%5Fsource=x", "https://shop.example.com/a?utm_source=a+b%20c",
    "https://shop.example.com/a?utm_source=%ZZ", "https://shop.example.com/a?utm_source=%C3%A9",
    "https://shop.example.com/a?utm_source=%FF", "https://shop.example.com/a?x=1;utm_source=2",
    "https://shop.example.com/a?order_id=O-1&order_id=O-2", "https://shop.example.com/a?Order_ID=1",
    "https://shop.example.com/a?xorder_id=1", "https://shop.example.com/a?utm_sourcex=1",
    "https://shop.example.com/a?%3D=1&utm_campaign=spring%3D", "https://shop.example.com/a?=x",
    "https://u:p@shop.example.com/a", "https://shop.example.com:8443/a", "https://shop.example.com:/a",
    "https://shop.example.com:x/a", "https://[::1]/a", "https://[::1/a", "https://::1]/a",
    "https://shop.example.com\\a", "https://shop.example.com/a b", " https://shop.example.com",
    "https://shop.example.com ", "\x01https://shop.example.com/a", "https://shop.example.com/a\x7f",
    "https://shop.example.com/\u00e9", "https://sh\u00f6p.example.com/a", "https://shop.example.com/a\tb",
    "httpſ://shop.example.com/a", "https://shop.example.com/\u212a", "https:/shop.example.com/a",
    "https:shop.example.com", "https://", "https:///a", "ftp://shop.example.com/a", "shop.example.com/a",
    "//shop.example.com/a", "", "https://-/a", "https://a..b/", "https://.", "https://shop.example.com./a",
    "android-app://com.google.android.gm/", "1http://x.com/", "h+t.t-p://x.com/a", "https://x.com?#",
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_fast_path_splits_tricky_urls_as_urllib_does(text):
    urls.page_url.cache_clear()
    urls.referrer_host.cache_clear()
    assert page_url(text) == page_url_general(text)
    assert referrer_host(text) == referrer_host_general(text)


def test_the_common_shapes_take_the_fast_path():
    # the general path is not called for them (it would fail here)
    assert urls._PAGE_SHAPE.fullmatch("https://shop.example.com/p/P0001?utm_source=g")
    assert urls._REFERRER_SHAPE.fullmatch("https://www.google.com/search?q=mug")
    assert page_url("https://Shop.Example.com/p/P0001/?utm_source=g&order_id=O%2D1#x") == PageUrl(
        "https://Shop.Example.com/p/P0001/?utm_source=g&order_id=O%2D1#x", "shop.example.com", "/p/P0001",
        "g", None, None, "O-1")


_PIECES = st.sampled_from([
    "http", "https", "HTTPS", "ftp", "android-app", "://", ":/", ":", "/", "//", "?", "#", "&", "=", ";",
    "@", "[", "]", "%", "%5F", "%3D", "%ZZ", "%C3%A9", "+", " ", "\t", "\\", ".", "-", "_", "~",
    "shop.example.com", "Shop.Example.COM", "8443", "u:p", "::1", "a", "B", "0", "utm_source",
    "utm_medium", "utm_campaign", "order_id", "utm_", "\u00e9", "\u017f", "\x01", "\x7f",
])


@settings(max_examples=3_000, deadline=None)
@given(st.tuples(st.sampled_from(["https://", "http://", "HTTPS://", "hTtP://", "ftp://", "https:/", "",
                                   "android-app://", "https://shop.example.com/"]),
                 st.lists(_PIECES, max_size=14)).map(lambda pair: pair[0] + "".join(pair[1])))
@example("https://shop.example.com/a?utm_source=x")
def test_the_fast_path_agrees_with_urllib_on_generated_urls(text):
    urls.page_url.cache_clear()
    urls.referrer_host.cache_clear()
    assert page_url(text) == page_url_general(text)
    assert referrer_host(text) == referrer_host_general(text)


@settings(max_examples=1_000, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x17F), max_size=40))
def test_the_fast_path_agrees_with_urllib_on_any_text(text):
    for candidate in (text, "https://" + text, "https://shop.example.com/" + text):
        urls.page_url.cache_clear()
        urls.referrer_host.cache_clear()
        assert page_url(candidate) == page_url_general(candidate)
        assert referrer_host(candidate) == referrer_host_general(candidate)
