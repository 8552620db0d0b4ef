"""Daily batch files of clickstream page views: drawing a day's sessions and writing its file.

``events_YYYYMMDD.jsonl`` holds the page views of one day's sessions, one JSON object a
line. The same simulated shop as the order lines (generate/catalogue.py): every order of
that day's ``transactions_YYYYMMDD.json`` is the end of a session whose last page is the
order confirmation, carrying its ``order_id``; the session viewed each product the order
bought, then the cart and the checkout. Around them, shoppers browse and leave.

Determinism: a day is drawn with its own ``random.Random`` seeded by (seed, date), so a
day's file has the same bytes whatever range it was generated in; the orders are the
transactions generator's own draws for that day (``transactions.day_records``).

What makes the data worth teaching with:
- anonymous visitors (a cookie id) who log in mid-session (from the cart on), or are
  logged in from the start; guests who buy without an account; about a third of buyers
  browsed anonymously earlier that day on the same cookie (stitching links that session
  to them once they log in);
- landing pages by channel: organic search, paid campaigns (utm parameters), social,
  email, referral sites and direct; home, category, search, product, cart, checkout,
  confirmation and other pages; most sessions never buy, many bounce;
- sessions that span midnight: some within one file (an order just after midnight),
  and some across two files (the part before midnight ends one day's file, the rest
  opens the next day's);
- event ids are UUIDs version 7 (time first, then random bits); a tenth of sessions come
  from a tracker that sends no event_id (the warehouse derives one); a few robots (their
  user agents say so); at-least-once delivery (a small share of page views twice); a
  few sessions of the day before arriving a day late;
- with ``dirty_rate`` > 0, invalid page views of several kinds to show quarantine.
"""

from __future__ import annotations

import heapq
import json
import random
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from ecommerce_warehouse.generate import files, site
from ecommerce_warehouse.generate import transactions as orders_generator
from ecommerce_warehouse.generate.catalogue import Catalogue, Product, build_catalogue

KIND = "events"                 # the batch files' name prefix (events_YYYYMMDD.jsonl)
BROWSE_SESSIONS_PER_ORDER = 5   # sessions that buy nothing, for every one that buys
BOUNCE_SHARE = 0.4              # browsing sessions of one page
ABANDON_SHARE = 0.3             # browsing sessions of three pages or more that leave a full cart
RESEARCH_SHARE = 0.3            # buyers who browsed earlier that day on the same cookie
LOGGED_IN_SHARE = 0.5           # known buyers logged in from their first page
LATE_SHARE = 0.01               # browsing sessions of the day before, in this day's file
BOT_SHARE = 0.01                # sessions of robots
NO_ID_SHARE = 0.1               # sessions whose tracker sends no event_id
REPEAT_SHARE = 0.005            # page views delivered twice
MIDNIGHT_LINES = 200            # one session across midnight for every this many order lines
DAY_MS = 86_400_000
RECENT_ORDERS = 2_000           # order ids remembered while reading a day's order lines
_MEAN_LINES_PER_ORDER = (sum(n * w for n, w in zip(*orders_generator.LINES_PER_ORDER))
                         / sum(orders_generator.LINES_PER_ORDER[1]))
DIRTY_KINDS = (
    "missing_timestamp", "garbage_timestamp", "relative_url", "ftp_url", "no_visitor",
    "bad_ip", "user_agent_number", "not_an_object", "empty_event_id", "conflicting_duplicate",
)


@dataclass
class Session:
    """One session's page views: (milliseconds from the file's day's midnight, path, user_id)."""

    cookie: str | None
    ip: str
    user_agent: str
    referrer: str
    with_ids: bool
    views: list[tuple[int, str, str | None]] = field(default_factory=list)


@dataclass(frozen=True)
class Order:
    order_id: str
    at_ms: int                  # the order's time, in ms from the file's day's midnight
    user_id: str | None
    product_ids: tuple[str, ...]


class DayDraw:
    """The random draws of one day's file; every draw of the day goes through ``rng``."""

    def __init__(self, catalogue: Catalogue, day: date, rng: random.Random):
        self.catalogue = catalogue
        self.day = day
        self.rng = rng
        self.products = {product.product_id: product for product in catalogue.products}
        self.pick_product = catalogue.product_picker(rng)
        self.pick_browsing_channel = site.BROWSING_CHANNELS.bound(rng)
        self.pick_buying_channel = site.BUYING_CHANNELS.bound(rng)
        self.pick_agent = site.USER_AGENTS.bound(rng)

    # -- pieces ------------------------------------------------------------------------
    def cookie(self) -> str:
        return f"A-{self.rng.getrandbits(64):016x}"

    def product(self) -> Product:
        return self.catalogue.products[self.pick_product()]

    def browse_path(self) -> str:
        """A page of browsing: mostly products, then categories, searches, other pages."""
        draw = self.rng.random()
        if draw < 0.55:
            return site.product_path(self.product())
        if draw < 0.75:
            return self.rng.choice(site.CATEGORY_PATHS)
        if draw < 0.9:
            return site.search_path(self.product())
        return self.rng.choice(site.OTHER_PAGES)

    def landing(self, arrival: site.Arrival, product: Product | None = None) -> str:
        """The first page: where the channel brings a shopper, with its campaign parameters."""
        draw = self.rng.random()
        if arrival.channel in ("paid", "referral") or (draw < 0.45 and arrival.channel != "email"):
            path = site.product_path(product or self.product())
        elif draw < 0.7 and arrival.channel != "email":
            path = self.rng.choice(site.CATEGORY_PATHS)
        else:
            path = "/"
        return path + arrival.query

    def gap_ms(self, low: float = 8.0, high: float = 150.0) -> int:
        return int(self.rng.uniform(low, high) * 1000)

    def new_session(self, referrer: str, cookie: str | None = None) -> Session:
        return Session(cookie or self.cookie(), site.ip_address(self.rng), self.pick_agent(),
                       referrer, self.rng.random() >= NO_ID_SHARE)

    # -- sessions ----------------------------------------------------------------------
    def browse(self, start_ms: int, cookie: str | None = None, user_id: str | None = None,
               pages: int | None = None, until: int = DAY_MS) -> Session:
        """A session that buys nothing: it bounces, or wanders, maybe to the cart or checkout.

        It ends before ``until`` (the next midnight: only the sessions drawn to span
        midnight go on past it, into the next day's file)."""
        arrival = site.arrival(self.rng, self.pick_browsing_channel)
        session = self.new_session(arrival.referrer, cookie)
        if pages is None:
            pages = 1 if self.rng.random() < BOUNCE_SHARE else self.rng.randint(2, 7)
        paths = [self.landing(arrival)] + [self.browse_path() for _ in range(pages - 1)]
        if pages >= 3 and self.rng.random() < ABANDON_SHARE:
            # abandoned: to the cart after a product, and sometimes on to the checkout
            paths.append("/cart")
            if self.rng.random() < 0.4:
                paths.append("/checkout")
        at = start_ms
        for number, path in enumerate(paths):
            if number:
                at += self.gap_ms()
                if at >= until:
                    break
            session.views.append((at, path, user_id))
        return session

    def buy(self, order: Order) -> list[Session]:
        """The session that placed ``order`` (and, for some buyers, an earlier browse)."""
        rng = self.rng
        products = [self.products[pid] for pid in order.product_ids if pid in self.products]
        arrival = site.arrival(rng, self.pick_buying_channel)
        logged_in = order.user_id is not None and rng.random() < LOGGED_IN_SHARE
        paths = [self.landing(arrival, products[0] if products else None)]
        paths += [self.browse_path() for _ in range(rng.randint(0, 3))]
        paths += [site.product_path(product) for product in products]
        paths += ["/cart", "/checkout", site.confirmation_path(order.order_id)]
        gaps = [self.gap_ms() for _ in paths[1:]]
        at = order.at_ms - sum(gaps)       # the confirmation at the order's time
        session = self.new_session(arrival.referrer)
        for number, path in enumerate(paths):
            if number:
                at += gaps[number - 1]
            # a known buyer logs in at the cart at the latest
            user_id = order.user_id if (logged_in or path.startswith(("/cart", "/checkout"))) else None
            session.views.append((at, path, user_id))
        found = [session]
        if order.user_id is not None and rng.random() < RESEARCH_SHARE:
            earlier = session.views[0][0] - rng.randint(1, 6) * 3_600_000
            found.insert(0, self.browse(earlier, cookie=session.cookie, pages=rng.randint(2, 5)))
        return found

    def bot(self, start_ms: int) -> Session:
        session = Session(self.cookie(), site.ip_address(self.rng), self.rng.choice(site.BOT_AGENTS),
                          "", True)
        at = start_ms
        for _ in range(self.rng.randint(10, 40)):
            if at >= DAY_MS:
                break
            session.views.append((at, self.browse_path(), None))
            at += self.gap_ms(0.5, 4.0)
        return session


# --- the day's orders and sessions ----------------------------------------------------------

def day_orders(catalogue: Catalogue, day: date, transactions: int, dirty_rate: float) -> Iterator[Order]:
    """The orders of ``day``'s transactions file, in file order: each order_id once, with
    the time, user and products of its lines as written (lines the contract would refuse
    for their timestamp or product add nothing; an order left with no time is skipped)."""
    midnight = datetime.combine(day, datetime.min.time())
    # the orders met lately: a copy of a line is always of one of the last thousand lines
    # (transactions.day_records), so a bounded memory of order ids finds every copy
    seen: dict[str, None] = {}
    pending: list[dict] = []

    def close() -> Order | None:
        order_id = pending[0].get("order_id")
        moments = [_parse(line.get("timestamp")) for line in pending]
        moments = [m for m in moments if m is not None]
        if not isinstance(order_id, str) or order_id in seen or not moments:
            return None
        seen[order_id] = None
        if len(seen) > 2 * RECENT_ORDERS:
            for old_id in list(seen)[:RECENT_ORDERS]:
                del seen[old_id]
        user = pending[0].get("user")
        products = tuple(dict.fromkeys(
            line["product"]["product_id"] for line in pending
            if isinstance(line.get("product"), dict) and isinstance(line["product"].get("product_id"), str)))
        at_ms = int((moments[0] - midnight).total_seconds() * 1000)
        return Order(order_id, at_ms, user.get("user_id") if isinstance(user, dict) else None, products)

    for record in orders_generator.day_records(catalogue, day, transactions, dirty_rate):
        if pending and record.get("order_id") != pending[0].get("order_id"):
            order = close()
            if order:
                yield order
            pending = []
        pending.append(record)
    if pending and (order := close()):
        yield order


def _parse(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def browse_count(day: date, transactions: int) -> int:
    """How many sessions of ``day`` buy nothing: BROWSE_SESSIONS_PER_ORDER per expected order."""
    lines = orders_generator.lines_for_day(day, transactions)
    return round(lines / _MEAN_LINES_PER_ORDER * BROWSE_SESSIONS_PER_ORDER)


def _starts(rng: random.Random, count: int) -> Iterator[int]:
    """``count`` session starts (ms from midnight), in order, by the shop's hours.

    The starts are counted per second of the day first (86,400 counts, whatever the
    size of the day), then each second's are given their milliseconds, in order."""
    cumulative = list(accumulate(orders_generator.HOUR_WEIGHTS))
    total = cumulative[-1]
    counts = [0] * (DAY_MS // 1000)
    for _ in range(count):
        counts[bisect(cumulative, rng.random() * total) * 3600 + rng.randrange(3600)] += 1
    for second, starts in enumerate(counts):
        if starts:
            yield from sorted(second * 1000 + rng.randrange(1000) for _ in range(starts))


def midnight_sessions(catalogue: Catalogue, day: date, transactions: int) -> list[Session]:
    """The sessions that start shortly before ``day``'s midnight and end after it: drawn
    by their own seed, so the files on both sides of midnight draw the same ones (times
    are in ms from ``day``'s midnight: negative before it)."""
    lines = orders_generator.lines_for_day(day, transactions)
    count = -(-lines // MIDNIGHT_LINES)        # one for every MIDNIGHT_LINES lines, rounded up
    rng = random.Random(f"{catalogue.seed}:events:midnight:{day.isoformat()}")  # noqa: S311 - synthetic data
    draw = DayDraw(catalogue, day, rng)
    return [draw.browse(-rng.randint(30, 300) * 1000, pages=rng.randint(5, 9), until=DAY_MS)
            for _ in range(count)]


def day_sessions(catalogue: Catalogue, day: date, transactions: int,
                 dirty_rate: float = 0.0) -> Iterator[tuple[int, Session]]:
    """The sessions of ``day``'s file as (days to shift its times by: -1 for a session of
    the day before that arrives late, else 0; session), in about the order they started:
    the tail of last night's sessions across midnight, the day's sessions (buying and
    browsing), then the start of tonight's."""
    for session in midnight_sessions(catalogue, day, transactions):
        yield 0, _after_midnight(session)
    rng = random.Random(f"{catalogue.seed}:events:{day.isoformat()}")  # noqa: S311 - synthetic data
    draw = DayDraw(catalogue, day, rng)
    buying = ((order.at_ms, 0, draw, order) for order in day_orders(catalogue, day, transactions, dirty_rate))
    browsing = ((start, 1, draw, None) for start in _starts(rng, browse_count(day, transactions)))
    for start, _kind, _draw, order in heapq.merge(buying, browsing, key=lambda item: item[:2]):
        if order is not None:
            for session in draw.buy(order):
                yield 0, session
        elif rng.random() < BOT_SHARE:
            yield 0, draw.bot(start)
        else:
            yield (-1 if rng.random() < LATE_SHARE else 0), draw.browse(start)
    for session in midnight_sessions(catalogue, day + timedelta(days=1), transactions):
        yield 0, _before_midnight(session)


def _after_midnight(session: Session) -> Session:
    """The views from midnight on; the first one's referrer is the last page before it."""
    before = [path for at, path, _user in session.views if at < 0]
    referrer = site.SITE + before[-1] if before else session.referrer
    return Session(session.cookie, session.ip, session.user_agent, referrer, session.with_ids,
                   [view for view in session.views if view[0] >= 0])


def _before_midnight(session: Session) -> Session:
    """The views before the next day's midnight, in ms from this day's midnight."""
    return Session(session.cookie, session.ip, session.user_agent, session.referrer, session.with_ids,
                   [(at + DAY_MS, path, user) for at, path, user in session.views if at < 0])


# --- records ------------------------------------------------------------------------------------

class Clock:
    """Timestamps of one file: ms from its day's midnight as ISO-8601 UTC text."""

    def __init__(self, day: date):
        self.day = day
        self.dates: dict[int, str] = {}
        self.midnight_ms = (day - date(1970, 1, 1)).days * DAY_MS

    def event_id(self, at_ms: int, rng: random.Random) -> str:
        """A UUID version 7, as trackers now commonly send: the page view's time in ms since
        1970, then random bits; ids of one day sort roughly in time order."""
        unix_ms = self.midnight_ms + at_ms
        rand_a, variant, rand_b = rng.getrandbits(12), 0x8000 | rng.getrandbits(14), rng.getrandbits(48)
        return f"{unix_ms >> 16:08x}-{unix_ms & 0xFFFF:04x}-7{rand_a:03x}-{variant:04x}-{rand_b:012x}"

    def text(self, at_ms: int) -> str:
        days, ms = divmod(at_ms, DAY_MS)
        stamp = self.dates.get(days)
        if stamp is None:
            stamp = self.dates[days] = f"{self.day + timedelta(days=days):%Y-%m-%d}T"
        seconds, millis = divmod(ms, 1000)
        return f"{stamp}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{millis:03d}Z"


def session_records(session: Session, rng: random.Random, clock: Clock, shift_days: int) -> Iterator[dict]:
    """The page views of one session as records of the contract (docs/EVENTS.md)."""
    previous = session.referrer
    for at, path, user_id in session.views:
        url = site.SITE + path
        record = {}
        if session.with_ids:
            record["event_id"] = clock.event_id(at + shift_days * DAY_MS, rng)
        record["timestamp"] = clock.text(at + shift_days * DAY_MS)
        record["page_url"] = url
        record["anonymous_id"] = session.cookie
        if user_id is not None:
            record["user_id"] = user_id
        record["referrer"] = previous
        record["ip"] = session.ip
        record["user_agent"] = session.user_agent
        previous = url
        yield record


def day_records(catalogue: Catalogue, day: date, transactions: int,
                dirty_rate: float = 0.0) -> Iterator[dict]:
    """The page views of one day's file, in order (a few twice: at-least-once delivery)."""
    rng = random.Random(f"{catalogue.seed}:events:records:{day.isoformat()}")  # noqa: S311 - synthetic data
    clock = Clock(day)
    recent: list[dict] = []
    for shift_days, session in day_sessions(catalogue, day, transactions, dirty_rate):
        for record in session_records(session, rng, clock, shift_days):
            if dirty_rate and rng.random() < dirty_rate:
                record = _make_dirty(rng, record, recent)
            recent.append(record)
            if len(recent) > 1000:
                del recent[:500]
            yield record
            if rng.random() < REPEAT_SHARE:
                yield record


def _make_dirty(rng: random.Random, record: dict, earlier: list[dict]):
    """A copy of ``record`` broken in one of several ways (or a conflicting copy of an earlier one)."""
    kind = rng.choice(DIRTY_KINDS)
    bad = dict(record)
    with_id = [r for r in earlier[-50:] if isinstance(r, dict) and r.get("event_id")]
    if kind == "conflicting_duplicate" and with_id:
        bad = dict(rng.choice(with_id))
        bad["page_url"] = site.SITE + "/p/P9999-changed"
    elif kind == "missing_timestamp":
        del bad["timestamp"]
    elif kind == "garbage_timestamp":
        bad["timestamp"] = "yesterday-ish"
    elif kind == "relative_url":
        bad["page_url"] = bad["page_url"].removeprefix(site.SITE)
    elif kind == "ftp_url":
        bad["page_url"] = bad["page_url"].replace("https://", "ftp://", 1)
    elif kind == "no_visitor":
        bad.pop("anonymous_id", None)
        bad.pop("user_id", None)
    elif kind == "bad_ip":
        bad["ip"] = "999.1.2.3"
    elif kind == "user_agent_number":
        bad["user_agent"] = 42
    elif kind == "not_an_object":
        return json.dumps(record["page_url"])
    else:
        bad["event_id"] = ""
    return bad


# --- files --------------------------------------------------------------------------------------

def batch_path(out_dir: Path, day: date) -> Path:
    """Where ``day``'s file goes: ``out_dir/events_YYYYMMDD.jsonl``."""
    return files.daily_batch_path(out_dir, KIND, day, ".jsonl")


def write_day(catalogue: Catalogue, day: date, transactions: int, out_dir: Path,
              dirty_rate: float = 0.0, on_line: Callable[[int], None] | None = None,
              lines_before: int = 0) -> tuple[Path, int]:
    """Write one day's JSON Lines file; return its path and how many page views it holds."""
    target = batch_path(out_dir, day)
    on_count = None if on_line is None else (lambda count: on_line(lines_before + count))

    def write(out) -> int:
        records = day_records(catalogue, day, transactions, dirty_rate)
        return files.write_json_lines(out, map(_json_line, records), on_count)
    return target, files.write_atomically(target, write)


def _json_line(record) -> bytes:
    return record.encode() if isinstance(record, str) else files.json_bytes(record)


def generate(start: date, end: date, transactions: int, seed: int, out_dir: Path,
             dirty_rate: float = 0.0, on_file: Callable[[Path, int], None] | None = None,
             on_line: Callable[[int], None] | None = None,
             catalogue: Catalogue | None = None) -> list[tuple[Path, int]]:
    """Write one events file per day from ``start`` to ``end``; return (path, page views) of each."""
    catalogue = catalogue or build_catalogue(seed)
    written = []
    total = 0
    for day in files.days_between(start, end):
        path, count = write_day(catalogue, day, transactions, out_dir, dirty_rate, on_line, total)
        total += count
        written.append((path, count))
        if on_file:
            on_file(path, count)
    return written
