"""Generate realistic, reproducible e-commerce order lines as daily JSON batch files.

Determinism: the people and products are drawn once per seed with Faker (pinned to an
exact version in pyproject.toml, locale fixed to en_US); each day is then drawn with its
own ``random.Random`` seeded by (seed, date), so a day's file has the same bytes
whatever range it was generated in, on any machine. Nothing reads the clock.

What makes the data worth teaching with:
- a fixed catalogue of users and products, with skewed popularity (a few best sellers,
  many repeat customers) and about 3% guest checkouts (no user);
- a daily rhythm (evening peak) and a weekly one (busier weekends);
- attributes that change between days: some users change email or name, some products
  change price or category, so the SCD type 1 dimensions have work to do;
- about 2% of lines arrive late (their timestamp is one or two days before the file's
  date, with the attributes of that day); about 2% of orders are cancelled or refunded;
  orders have one to five lines;
- with ``dirty_rate`` > 0, invalid records of several kinds to show quarantine.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate, islice, repeat
from pathlib import Path
from typing import NamedTuple

import orjson
from faker import Faker

USER_COUNT = 2_000
PRODUCT_COUNT = 250
GUEST_SHARE = 0.03
LATE_SHARE = 0.02
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")   # reserved (RFC 2606)
# Busier towards the weekend: Monday .. Sunday, averaging 1.0 over a week.
WEEKDAY_FACTOR = (0.90, 0.92, 0.95, 1.00, 1.05, 1.13, 1.05)
# Share of orders by hour of day (UTC): quiet nights, a lunch bump and an evening peak.
HOUR_WEIGHTS = (2, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 9, 10, 9, 8, 8, 9, 10, 12, 14, 15, 13, 8, 4)
LINES_PER_ORDER = ((1, 2, 3, 4, 5), (55, 25, 12, 5, 3))
QUANTITY = ((1, 2, 3, 4, 5), (70, 18, 7, 3, 2))
STATUS = (("completed", "cancelled", "refunded"), (978, 12, 10))
CATEGORIES = {
    "Electronics": ("Headphones", "Charger", "Speaker", "Keyboard", "Mouse", "Webcam", "Power Bank"),
    "Home & Kitchen": ("Kettle", "Pan", "Knife Set", "Blender", "Cutting Board", "Mug", "Lamp"),
    "Books": ("Cookbook", "Novel", "Atlas", "Field Guide", "Notebook", "Poetry Collection"),
    "Clothing": ("T-Shirt", "Hoodie", "Scarf", "Rain Jacket", "Socks", "Cap"),
    "Sports & Outdoors": ("Yoga Mat", "Water Bottle", "Backpack", "Tent", "Dumbbell", "Bike Light"),
    "Beauty": ("Face Cream", "Shampoo", "Lip Balm", "Hand Soap", "Sunscreen"),
    "Toys & Games": ("Puzzle", "Board Game", "Building Set", "Kite", "Plush Bear"),
    "Grocery": ("Coffee Beans", "Green Tea", "Olive Oil", "Dark Chocolate", "Honey"),
}
# A product that changes category moves to its category's renamed twin (a taxonomy update).
RECATEGORISED = {
    "Electronics": "Computers & Accessories", "Home & Kitchen": "Kitchen & Dining",
    "Books": "Books & Stationery", "Clothing": "Fashion", "Sports & Outdoors": "Outdoor Recreation",
    "Beauty": "Personal Care", "Toys & Games": "Kids & Baby", "Grocery": "Food & Drink",
}
DIRTY_KINDS = (
    "missing_transaction_id", "zero_quantity", "string_quantity", "negative_price",
    "three_decimal_price", "garbage_timestamp", "missing_product", "user_without_id",
    "unknown_status", "conflicting_duplicate", "exact_duplicate",
)


@dataclass(frozen=True)
class User:
    user_id: str
    first_name: str
    last_names: tuple[str, ...]
    handle: str
    domain: str
    registration_date: date
    email_period: int
    name_period: int       # 0: never changes name
    phase: int


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    categories: tuple[str, str]
    base_price_cents: int
    price_period: int
    category_period: int   # 0: never changes category
    phase: int


@dataclass(frozen=True)
class Catalogue:
    """Users and products of one seed, with popularity weights (cumulative)."""

    seed: int
    users: tuple[User, ...]
    products: tuple[Product, ...]
    user_weights: tuple[float, ...]
    product_weights: tuple[float, ...]

    def user_snapshot(self, user: User, day: date) -> dict:
        """The user as the shop knew them on ``day``."""
        ordinal = day.toordinal() + user.phase
        email_version = ordinal // user.email_period
        suffix = "" if email_version % 3 == 0 else str(email_version % 3 + 1)
        last = user.last_names[0]
        if user.name_period:
            last = user.last_names[(ordinal // user.name_period) % len(user.last_names)]
        return {
            "user_id": user.user_id,
            "name": f"{user.first_name} {last}",
            "email": f"{user.handle}{suffix}@{user.domain}",
            "registration_date": user.registration_date.isoformat(),
        }

    def product_snapshot(self, product: Product, day: date) -> dict:
        """The product as listed on ``day``: name, category and list price."""
        ordinal = day.toordinal() + product.phase
        version = ordinal // product.price_period
        factor = random.Random(f"{self.seed}:{product.product_id}:price:{version}").uniform(0.85, 1.15)  # noqa: S311 - synthetic data, not security
        price = max(99, int(product.base_price_cents * factor) // 100 * 100 + 99)
        category = product.categories[0]
        if product.category_period:
            category = product.categories[(ordinal // product.category_period) % 2]
        return {
            "product_id": product.product_id,
            "name": product.name,
            "category": category,
            "unit_price": price / 100,
        }


def build_catalogue(seed: int) -> Catalogue:
    """The users and products of ``seed``, drawn once with Faker."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(f"{seed}:catalogue")  # noqa: S311 - synthetic data, not security
    first_day = date(2022, 1, 1).toordinal()
    users = []
    for number in range(1, USER_COUNT + 1):
        first, last = fake.first_name(), fake.last_name()
        users.append(User(
            user_id=f"U{number:05d}",
            first_name=first,
            last_names=(last, fake.last_name(), fake.last_name()),
            handle=f"{first}.{last}{number}".lower().replace(" ", "").replace("'", ""),
            domain=rng.choice(EMAIL_DOMAINS),
            registration_date=date.fromordinal(first_day + rng.randrange(3 * 365)),
            email_period=rng.randint(60, 400),
            name_period=rng.randint(90, 600) if rng.random() < 0.2 else 0,
            phase=rng.randrange(1000),
        ))
    category_names = tuple(CATEGORIES)
    products = []
    for number in range(1, PRODUCT_COUNT + 1):
        category = rng.choice(category_names)
        other = RECATEGORISED[category]
        products.append(Product(
            product_id=f"P{number:04d}",
            name=f"{fake.safe_color_name().title()} {rng.choice(CATEGORIES[category])}",
            categories=(category, other),
            base_price_cents=int(rng.lognormvariate(7.6, 0.9)),
            price_period=rng.randint(14, 90),
            category_period=rng.randint(30, 120) if rng.random() < 0.1 else 0,
            phase=rng.randrange(1000),
        ))
    return Catalogue(
        seed=seed,
        users=tuple(users),
        products=tuple(products),
        user_weights=tuple(accumulate(1 / (rank ** 0.8) for rank in range(1, USER_COUNT + 1))),
        product_weights=tuple(accumulate(1 / (rank ** 1.1) for rank in range(1, PRODUCT_COUNT + 1))),
    )


def lines_for_day(day: date, transactions: int) -> int:
    """How many lines ``day`` gets: ``transactions`` on an average day, more at weekends."""
    return max(1, round(transactions * WEEKDAY_FACTOR[day.weekday()])) if transactions > 0 else 0


class _Picker:
    """Weighted choice by bisecting cumulative weights (what random.choices does, minus its overhead)."""

    def __init__(self, items, weights=None, cumulative=None):
        self.items = tuple(items)
        self.cumulative = tuple(cumulative) if cumulative else tuple(accumulate(weights))
        self.total = self.cumulative[-1]

    def bound(self, rng: random.Random) -> Callable[[], object]:
        """A function that draws one item from ``rng`` (a closure: cheaper to call than a method)."""
        items, cumulative, total, draw = self.items, self.cumulative, self.total, rng.random

        def pick():
            return items[bisect(cumulative, draw() * total)]
        return pick


_LINES_PER_ORDER = _Picker(*LINES_PER_ORDER)
_QUANTITY = _Picker(*QUANTITY)
_STATUS = _Picker(*STATUS)
SECONDS_PER_DAY = 86_400
WRITE_CHUNK_LINES = 1_000     # lines joined into one write: few writes, little memory
PROGRESS_STEP = 10_000        # on_line is called every this many lines (a multiple of the chunk)


class _UserSnapshot(NamedTuple):
    record: dict       # what Catalogue.user_snapshot returns
    json: bytes        # the same, as orjson writes it


class _ProductSnapshot(NamedTuple):
    record: dict       # what Catalogue.product_snapshot returns
    json: bytes
    cents: int         # the list price in cents
    price_json: bytes  # the list price as orjson writes it


class _Snapshots(dict):
    """One file's snapshots of one kind on one event day, by catalogue index, made on first use."""

    def __init__(self, make: Callable[[int], object]):
        super().__init__()
        self.make = make

    def __missing__(self, index: int):
        snapshot = self[index] = self.make(index)
        return snapshot


def _dumps(value) -> bytes:
    """``orjson.dumps(value)``, copied to a bytes object of its own size: orjson's result keeps
    a buffer of about 4 KiB, which adds up when thousands of them are kept (snapshots, chunks)."""
    return bytes(memoryview(orjson.dumps(value)))


def _user_snapshots(catalogue: Catalogue, day: date) -> _Snapshots:
    def make(index: int) -> _UserSnapshot:
        record = catalogue.user_snapshot(catalogue.users[index], day)
        return _UserSnapshot(record, _dumps(record))
    return _Snapshots(make)


def _product_snapshots(catalogue: Catalogue, day: date) -> _Snapshots:
    def make(index: int) -> _ProductSnapshot:
        record = catalogue.product_snapshot(catalogue.products[index], day)
        price = record["unit_price"]
        return _ProductSnapshot(record, _dumps(record), round(price * 100), _dumps(price))
    return _Snapshots(make)


def _moment_counts(rng: random.Random, count: int) -> list[int]:
    """How many of ``count`` order moments fall on each second of the day.

    Draws exactly what ``sorted(hour * 3600 + rng.randrange(3600) for hour in
    rng.choices(range(24), weights=HOUR_WEIGHTS, k=count))`` draws (all the hours first,
    then one offset per hour) and leaves ``rng`` in the same state, but keeps 86,400
    counts instead of ``count`` numbers, so memory does not grow with the size of a day.
    """
    hours = random.Random()  # noqa: S311 - synthetic data, not security
    hours.setstate(rng.getstate())      # a second cursor on the stream, reading the hours ...
    skip = rng.random
    for _ in repeat(None, count):        # ... while rng moves on past them to the offsets
        skip()
    cumulative = list(accumulate(HOUR_WEIGHTS))
    total = cumulative[-1] + 0.0
    draw_hour = hours.random
    bits = rng.getrandbits
    counts = [0] * SECONDS_PER_DAY
    for _ in repeat(None, count):
        hour = bisect(cumulative, draw_hour() * total, 0, 23)    # as random.choices does
        offset = bits(12)                                        # rng.randrange(3600), as
        while offset >= 3600:                                    # random._randbelow does
            offset = bits(12)
        counts[hour * 3600 + offset] += 1
    return counts


def _clock_times(counts: list[int]) -> Iterator[str]:
    """'HH:MM:SSZ' for each counted moment, in time order."""
    for second, moments in enumerate(counts):
        if moments:
            yield from repeat(f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z", moments)


# One drawn order line (a plain tuple: a million of them are made per file): order number,
# line number in the order, days late, "HH:MM:SSZ", status, user (None for a guest
# checkout), product, quantity, paid cents.
_Line = tuple[int, int, int, str, str, "_UserSnapshot | None", "_ProductSnapshot", int, int]


def _draw_lines(catalogue: Catalogue, day: date, transactions: int, rng: random.Random) -> Iterator[_Line]:
    """Every random draw of one day's lines, in order; each line is yielded as soon as it is drawn."""
    wanted = lines_for_day(day, transactions)
    clocks = _clock_times(_moment_counts(rng, max(1, wanted)))
    draw = rng.random
    pick_user = _Picker(range(len(catalogue.users)), cumulative=catalogue.user_weights).bound(rng)
    pick_product = _Picker(range(len(catalogue.products)), cumulative=catalogue.product_weights).bound(rng)
    pick_status, pick_size, pick_quantity = _STATUS.bound(rng), _LINES_PER_ORDER.bound(rng), _QUANTITY.bound(rng)
    event_days = [day - timedelta(days=late) for late in range(3)]   # by days late
    users_seen = [_user_snapshots(catalogue, event_day) for event_day in event_days]
    products_seen = [_product_snapshots(catalogue, event_day) for event_day in event_days]
    made = 0
    sequence = 0
    while made < wanted:
        sequence += 1
        clock = next(clocks)
        days_late = rng.choice((1, 2)) if draw() < LATE_SHARE else 0
        user = users_seen[days_late][pick_user()] if draw() >= GUEST_SHARE else None
        status = pick_status()
        discount = rng.uniform(0.05, 0.2) if draw() < 0.1 else 0.0
        size = min(pick_size(), wanted - made)
        chosen: list[int] = []
        while len(chosen) < size:
            index = pick_product()
            if index not in chosen:
                chosen.append(index)
        products = products_seen[days_late]
        for line, index in enumerate(chosen, start=1):
            product = products[index]
            # round(cents * (1 - 0.0)) is cents: skip the float work for the 90% without a discount
            paid_cents = round(product.cents * (1 - discount)) if discount else product.cents
            made += 1
            yield sequence, line, days_late, clock, status, user, product, pick_quantity(), paid_cents


def _day_rng(catalogue: Catalogue, day: date) -> random.Random:
    return random.Random(f"{catalogue.seed}:{day.isoformat()}")  # noqa: S311 - synthetic data, not security


def _timestamp_dates(day: date) -> list[str]:
    """'YYYY-MM-DDT' of the event day, by days late."""
    return [f"{day - timedelta(days=late):%Y-%m-%d}T" for late in range(3)]


def _as_records(lines: Iterator[_Line], day: date) -> Iterator[dict]:
    tag = f"{day:%Y%m%d}"
    dates = _timestamp_dates(day)
    for sequence, line, days_late, clock, status, user, product, quantity, paid_cents in lines:
        yield {
            "transaction_id": f"TX-{tag}-{sequence:06d}-{line}",
            "order_id": f"ORD-{tag}-{sequence:06d}",
            "timestamp": dates[days_late] + clock,
            "status": status,
            "quantity": quantity,
            "price": paid_cents / 100,
            "user": user.record if user else None,
            "product": product.record,
        }


def _as_json(lines: Iterator[_Line], day: date) -> Iterator[bytes]:
    """Each line exactly as ``orjson.dumps`` writes its record, put together from parts
    serialised once per order (ids, time, status) or once per snapshot (user, product)."""
    tag = f"{day:%Y%m%d}".encode()
    dates = [text.encode() for text in _timestamp_dates(day)]
    head = order = user_json = b""
    for sequence, line, days_late, clock, status, user, product, quantity, paid_cents in lines:
        if line == 1:
            head = b'{"transaction_id":"TX-%s-%06d-' % (tag, sequence)
            order = b'","order_id":"ORD-%s-%06d","timestamp":"%s%s","status":"%s","quantity":' % (
                tag, sequence, dates[days_late], clock.encode(), status.encode())
            user_json = user.json if user else b"null"
        price = product.price_json if paid_cents == product.cents else orjson.dumps(paid_cents / 100)
        yield b'%s%d%s%d,"price":%s,"user":%s,"product":%s}' % (
            head, line, order, quantity, price, user_json, product.json)


def day_records(catalogue: Catalogue, day: date, transactions: int,
                dirty_rate: float = 0.0) -> Iterator[dict]:
    """The order lines of one day's file, in order."""
    rng = _day_rng(catalogue, day)
    records = _as_records(_draw_lines(catalogue, day, transactions, rng), day)
    if not dirty_rate:
        yield from records
        return
    recent: list[dict] = []                  # for dirty duplicates of earlier lines
    for record in records:
        if rng.random() < dirty_rate:        # drawn between two lines, as the lines are lazy
            record = _make_dirty(rng, record, recent)
        recent.append(record)
        if len(recent) > 1000:
            del recent[:500]
        yield record


def day_json_lines(catalogue: Catalogue, day: date, transactions: int,
                   dirty_rate: float = 0.0) -> Iterator[bytes]:
    """The lines of ``day_records``, each as ``orjson.dumps(record)``."""
    if dirty_rate:
        return map(_dumps, day_records(catalogue, day, transactions, dirty_rate))
    return _as_json(_draw_lines(catalogue, day, transactions, _day_rng(catalogue, day)), day)


def _make_dirty(rng: random.Random, record: dict, earlier: list[dict]) -> dict:
    """A copy of ``record`` broken in one of several ways (or a duplicate of an earlier one)."""
    kind = rng.choice(DIRTY_KINDS)
    if kind in ("conflicting_duplicate", "exact_duplicate") and earlier:
        copy = json.loads(json.dumps(rng.choice(earlier)))
        if kind == "conflicting_duplicate":
            copy["quantity"] = copy.get("quantity", 1) + 1 if isinstance(copy.get("quantity"), int) else 7
        return copy
    bad = json.loads(json.dumps(record))
    if kind == "missing_transaction_id":
        del bad["transaction_id"]
    elif kind == "zero_quantity":
        bad["quantity"] = 0
    elif kind == "string_quantity":
        bad["quantity"] = str(bad["quantity"])
    elif kind == "negative_price":
        bad["price"] = -abs(bad["price"]) - 1
    elif kind == "three_decimal_price":
        bad["price"] = round(bad["price"] + 0.005, 3) if bad["price"] < 1e6 else 1.005
    elif kind == "garbage_timestamp":
        bad["timestamp"] = "yesterday-ish"
    elif kind == "missing_product":
        del bad["product"]
    elif kind == "user_without_id":
        bad["user"] = {"name": "No Id", "email": "noid@example.com"}
    else:
        bad["status"] = "shipped"
    return bad


def batch_path(out_dir: Path, day: date) -> Path:
    return Path(out_dir) / f"transactions_{day:%Y%m%d}.json"


def write_day(catalogue: Catalogue, day: date, transactions: int, out_dir: Path,
              dirty_rate: float = 0.0, on_line: Callable[[int], None] | None = None,
              lines_before: int = 0) -> tuple[Path, int]:
    """Write one day's JSON array (one record per line); return its path and line count.

    The file is written under a temporary name and renamed into place, so a killed
    generator never leaves a partial file under the final name. Lines are streamed in
    chunks of WRITE_CHUNK_LINES, so memory does not grow with the size of the day.
    """
    target = batch_path(out_dir, day)
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):   # from a generator that was killed
        leftover.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.chmod(temporary, 0o666 & ~_umask())      # mkstemp makes 0600; give the usual mode
    count = 0
    try:
        with os.fdopen(handle, "wb") as out:
            lines = day_json_lines(catalogue, day, transactions, dirty_rate)
            out.write(b"[")
            while chunk := list(islice(lines, WRITE_CHUNK_LINES)):   # bounded memory, few writes
                out.write(b",\n" if count else b"\n")
                out.write(b",\n".join(chunk))
                count += len(chunk)
                if on_line is not None and count % PROGRESS_STEP == 0:
                    on_line(lines_before + count)
            out.write(b"\n]\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target, count


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def generate(start: date, end: date, transactions: int, seed: int, out_dir: Path,
             dirty_rate: float = 0.0,
             on_file: Callable[[Path, int], None] | None = None,
             on_line: Callable[[int], None] | None = None) -> list[tuple[Path, int]]:
    """Write one file per day from ``start`` to ``end``; return (path, lines) for each.

    ``on_file`` is called after each file, ``on_line`` with the running line count.
    """
    catalogue = build_catalogue(seed)
    written = []
    total = 0
    for day in days_between(start, end):
        path, count = write_day(catalogue, day, transactions, out_dir, dirty_rate, on_line, total)
        total += count
        written.append((path, count))
        if on_file:
            on_file(path, count)
    return written
