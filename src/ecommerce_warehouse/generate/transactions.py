"""Daily batch files of e-commerce order lines: drawing a day's lines and writing its file.

Determinism: the people and products come from the seed's catalogue (generate/catalogue.py);
each day is then drawn with its own ``random.Random`` seeded by (seed, date), so a day's
file has the same bytes whatever range it was generated in, on any machine. Nothing reads
the clock.

What makes the data worth teaching with:
- about 3% guest checkouts (no user), and the catalogue's skewed popularity;
- a daily rhythm (evening peak) and a weekly one (busier weekends);
- attributes that change between days (the catalogue's snapshots of each day);
- about 2% of lines arrive late (their timestamp is one or two days before the file's
  date, with the attributes of that day); about 2% of orders are cancelled or refunded;
  orders have one to five lines;
- with ``dirty_rate`` R > 0, about R of the day's lines broken in one of several ways
  (or replaced by a copy of an earlier line), to show the quarantine; the other lines
  are byte for byte those of the clean day (a random stream of their own decides).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from itertools import accumulate, repeat
from pathlib import Path

import orjson

from ecommerce_warehouse.generate import files
from ecommerce_warehouse.generate.catalogue import (
    Catalogue,
    ProductSnapshot,
    UserSnapshot,
    build_catalogue,
    product_snapshots,
    user_snapshots,
)
from ecommerce_warehouse.generate.draws import WeightedPicker

KIND = "transactions"          # the batch files' name prefix (transactions_YYYYMMDD.json)
GUEST_SHARE = 0.03
LATE_SHARE = 0.02
# Busier towards the weekend: Monday .. Sunday, averaging 1.0 over a week.
WEEKDAY_FACTOR = (0.90, 0.92, 0.95, 1.00, 1.05, 1.13, 1.05)
# Share of orders by hour of day (UTC): quiet nights, a lunch bump and an evening peak.
HOUR_WEIGHTS = (2, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 9, 10, 9, 8, 8, 9, 10, 12, 14, 15, 13, 8, 4)
LINES_PER_ORDER = ((1, 2, 3, 4, 5), (55, 25, 12, 5, 3))
QUANTITY = ((1, 2, 3, 4, 5), (70, 18, 7, 3, 2))
STATUS = (("completed", "cancelled", "refunded"), (978, 12, 10))
DIRTY_KINDS = (
    "missing_transaction_id", "zero_quantity", "string_quantity", "negative_price",
    "three_decimal_price", "garbage_timestamp", "missing_product", "user_without_id",
    "unknown_status", "conflicting_duplicate", "exact_duplicate",
)


def lines_for_day(day: date, transactions: int) -> int:
    """How many lines ``day`` gets: ``transactions`` on an average day, more at weekends."""
    return max(1, round(transactions * WEEKDAY_FACTOR[day.weekday()])) if transactions > 0 else 0


_LINES_PER_ORDER = WeightedPicker(*LINES_PER_ORDER)
_QUANTITY = WeightedPicker(*QUANTITY)
_STATUS = WeightedPicker(*STATUS)
SECONDS_PER_DAY = 86_400


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
_Line = tuple[int, int, int, str, str, "UserSnapshot | None", "ProductSnapshot", int, int]


def _draw_lines(catalogue: Catalogue, day: date, transactions: int, rng: random.Random) -> Iterator[_Line]:
    """Every random draw of one day's lines, in order; each line is yielded as soon as it is drawn."""
    wanted = lines_for_day(day, transactions)
    clocks = _clock_times(_moment_counts(rng, max(1, wanted)))
    draw = rng.random
    pick_user = catalogue.user_picker(rng)
    pick_product = catalogue.product_picker(rng)
    pick_status, pick_size, pick_quantity = _STATUS.bound(rng), _LINES_PER_ORDER.bound(rng), _QUANTITY.bound(rng)
    event_days = [day - timedelta(days=late) for late in range(3)]   # by days late
    users_seen = [user_snapshots(catalogue, event_day) for event_day in event_days]
    products_seen = [product_snapshots(catalogue, event_day) for event_day in event_days]
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
    """The order lines of one day's file, in order (``dirty_rate``: as ``day_json_lines``)."""
    if not dirty_rate:
        yield from _as_records(_draw_lines(catalogue, day, transactions, _day_rng(catalogue, day)), day)
        return
    yield from map(orjson.loads, day_json_lines(catalogue, day, transactions, dirty_rate))


def day_json_lines(catalogue: Catalogue, day: date, transactions: int,
                   dirty_rate: float = 0.0) -> Iterator[bytes]:
    """The lines of one day's file, each exactly as ``orjson.dumps`` writes its record.

    With ``dirty_rate`` R, each line is broken on purpose with probability R (a separate
    random stream decides which and how) and every other line keeps the very bytes of the
    clean file: a dirty day is the clean day with about R of its lines broken, so loading
    it never changes the numbers of the lines it shares with the clean day.
    """
    clean = _as_json(_draw_lines(catalogue, day, transactions, _day_rng(catalogue, day)), day)
    if not dirty_rate:
        return clean
    return _broken_some(clean, dirty_rate, _dirty_rng(catalogue, day))


def _dirty_rng(catalogue: Catalogue, day: date) -> random.Random:
    return random.Random(f"{catalogue.seed}:{day.isoformat()}:dirty")  # noqa: S311 - synthetic data, not security


def _broken_some(lines: Iterator[bytes], dirty_rate: float, rng: random.Random) -> Iterator[bytes]:
    """``lines`` with each one replaced by a broken copy with probability ``dirty_rate``."""
    recent: list[bytes] = []                 # for duplicates of earlier lines
    for line in lines:
        if rng.random() < dirty_rate:
            yield files.json_bytes(_make_dirty(rng, orjson.loads(line), recent))
        else:
            yield line
        recent.append(line)
        if len(recent) > 1000:
            del recent[:500]


def _make_dirty(rng: random.Random, record: dict, earlier: list[bytes]) -> dict:
    """``record`` broken in one of several ways (or replaced by a copy of an earlier line)."""
    kind = rng.choice(DIRTY_KINDS)
    if kind in ("conflicting_duplicate", "exact_duplicate") and earlier:
        copy = orjson.loads(rng.choice(earlier))
        if kind == "conflicting_duplicate":
            copy["quantity"] = copy["quantity"] + 1
        return copy
    bad = record
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
    """Where ``day``'s file goes: ``out_dir/transactions_YYYYMMDD.json``."""
    return files.daily_batch_path(out_dir, KIND, day)


def write_day(catalogue: Catalogue, day: date, transactions: int, out_dir: Path,
              dirty_rate: float = 0.0, on_line: Callable[[int], None] | None = None,
              lines_before: int = 0) -> tuple[Path, int]:
    """Write one day's JSON array (one record per line); return its path and line count.

    The file is written under a temporary name and renamed into place, and streamed in
    chunks (files.write_atomically, files.write_json_array); ``on_line`` is called with
    ``lines_before`` plus the lines written so far, every files.PROGRESS_STEP lines.
    """
    target = batch_path(out_dir, day)
    on_count = None if on_line is None else (lambda count: on_line(lines_before + count))

    def write(out) -> int:
        lines = day_json_lines(catalogue, day, transactions, dirty_rate)
        return files.write_json_array(out, lines, on_count)
    return target, files.write_atomically(target, write)


def generate(start: date, end: date, transactions: int, seed: int, out_dir: Path,
             dirty_rate: float = 0.0,
             on_file: Callable[[Path, int], None] | None = None,
             on_line: Callable[[int], None] | None = None,
             catalogue: Catalogue | None = None) -> list[tuple[Path, int]]:
    """Write one file per day from ``start`` to ``end``; return (path, lines) for each.

    ``on_file`` is called after each file, ``on_line`` with the running line count;
    ``catalogue``: the seed's, if already built.
    """
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
