"""The shop's web site as the clickstream generator draws it: pages, channels, browsers.

Everything a page view carries besides its time and visitor: the URL of each kind of
page (home, category, search, product, cart, checkout, confirmation, a few others), how
a session arrives (the channel: its landing page's campaign parameters and referrer),
the browser (user agent) and the network address. Only reserved names are used: the
shop is ``shop.example.com``, referral sites are under ``example.net`` / ``example.org``
(RFC 2606), and addresses are from the documentation ranges (RFC 5737, RFC 3849).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from ecommerce_warehouse.generate.catalogue import CATEGORIES, Product
from ecommerce_warehouse.generate.draws import WeightedPicker

SITE = "https://shop.example.com"
OTHER_PAGES = ("/help/shipping", "/help/returns", "/account", "/about", "/blog/spring-picks")

# A browser's user agent, by share of sessions (Chrome on a desktop first).
USER_AGENTS = WeightedPicker((
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/122.0.0.0 Safari/537.36"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.3 Safari/605.1.15"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.3 Mobile/15E148 Safari/604.1"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/122.0.0.0 Mobile Safari/537.36"),
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    ("Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.3 Mobile/15E148 Safari/604.1"),
), (34, 14, 22, 18, 7, 5))

# Robots: each names itself in its user agent (bot_rules recognises them all).
BOT_AGENTS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "python-requests/2.31.0",
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "HeadlessChrome/122.0.0.0 Safari/537.36"),
    "curl/8.5.0",
)

SEARCH_ENGINES = WeightedPicker(("https://www.google.com/", "https://www.bing.com/",
                                 "https://duckduckgo.com/", "https://search.yahoo.com/"),
                                (70, 15, 10, 5))
SOCIAL_SITES = WeightedPicker(("https://www.facebook.com/", "https://www.instagram.com/",
                               "https://t.co/x7Rq2", "https://www.pinterest.com/"),
                              (40, 25, 20, 15))
REFERRAL_SITES = ("https://blog.example.net/best-gifts-2025", "https://deals.example.org/today",
                  "https://forum.example.com/t/kitchen-kit/4812", "https://www.example.net/reviews")
CAMPAIGNS = {
    "paid": "?utm_source=google&utm_medium=cpc&utm_campaign=spring_sale",
    "email": "?utm_source=newsletter&utm_medium=email&utm_campaign=march_news",
    "social": "?utm_source=instagram&utm_medium=social&utm_campaign=new_in",
}
# How sessions arrive, by share: those that buy and those that only browse come from the
# channels in other proportions (email and paid bring buyers; social brings browsers), so
# the channels convert at different rates.
CHANNEL_NAMES = ("direct", "organic_search", "paid", "social", "email", "referral")
BUYING_CHANNELS = WeightedPicker(CHANNEL_NAMES, (28, 24, 16, 6, 16, 10))
BROWSING_CHANNELS = WeightedPicker(CHANNEL_NAMES, (24, 32, 11, 16, 7, 10))


def slug(text: str) -> str:
    """A category's URL segment: 'Home & Kitchen' -> 'home-kitchen'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


CATEGORY_PATHS = tuple(f"/c/{slug(name)}" for name in CATEGORIES)


def product_path(product: Product) -> str:
    return f"/p/{product.product_id}"


def search_path(product: Product) -> str:
    """A search a shopper might type to find the product: a word of its name."""
    return "/search?q=" + product.name.split()[-1].lower().replace(" ", "+")


def confirmation_path(order_id: str) -> str:
    return f"/checkout/confirmation?order_id={order_id}"


@dataclass(frozen=True)
class Arrival:
    """How a session arrives: its channel, the query its landing URL carries, its referrer."""

    channel: str
    query: str
    referrer: str


def arrival(rng: random.Random, pick_channel: Callable[[], str]) -> Arrival:
    channel = pick_channel()
    if channel == "organic_search":
        return Arrival(channel, "", SEARCH_ENGINES.bound(rng)())
    if channel == "paid":
        return Arrival(channel, CAMPAIGNS["paid"], "https://www.google.com/")
    if channel == "social":
        query = CAMPAIGNS["social"] if rng.random() < 0.3 else ""
        return Arrival(channel, query, SOCIAL_SITES.bound(rng)())
    if channel == "email":
        return Arrival(channel, CAMPAIGNS["email"], "")
    if channel == "referral":
        return Arrival(channel, "", rng.choice(REFERRAL_SITES))
    return Arrival(channel, "", "")


def ip_address(rng: random.Random) -> str:
    """An address from the documentation ranges: IPv4 (TEST-NET-1/2/3) or, one in ten, IPv6."""
    if rng.random() < 0.1:
        return f"2001:db8:{rng.randrange(1 << 16):x}::{rng.randrange(1, 1 << 16):x}"
    return f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randrange(1, 255)}"
