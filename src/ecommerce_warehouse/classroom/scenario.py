"""The walkthrough's built-in scenario: three days of orders with one example of each idea.

Three daily batch files, 1 to 3 March 2025. Most lines come from the generator
(fixed seed, about 80 lines on an average day); a few lines are written here by hand
so that every idea the walkthrough teaches has a named example:

- Ada (``U90001``) buys on day 1 as "Ada Byron" and on day 2 as "Ada Lovelace" with a
  new email: an SCD type 1 overwrite;
- ``TX-GUEST-1`` is a guest checkout (no user): its fact row points at the unknown member;
- ``TX-LATE-1`` is an order of 1 March that arrives in day 3's file, still carrying
  Ada's old name and email: a late-arriving line that must not overwrite newer values;
- day 2 and day 3 carry broken records (wrong type, bad timestamp, unknown status, too
  many decimals, missing product), an identical copy and a conflicting copy of a line
  already loaded: quarantine and duplicates.

Everything is deterministic: the same files, byte for byte, on every machine.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import orjson

from ecommerce_warehouse.generate import transactions as generator
from ecommerce_warehouse.generate.catalogue import Catalogue, build_catalogue

SEED = 7
FIRST_DAY = date(2025, 3, 1)
DAYS = 3
LINES_PER_DAY = 80          # generated lines on an average day (weekends get more)

ADA_ID = "U90001"
ADA_BEFORE = {"user_id": ADA_ID, "name": "Ada Byron", "email": "ada.byron@example.com",
              "registration_date": "2024-11-05"}
ADA_AFTER = {"user_id": ADA_ID, "name": "Ada Lovelace", "email": "ada.lovelace@example.org",
             "registration_date": "2024-11-05"}
MUG = {"product_id": "P9001", "name": "Enamel Camping Mug", "category": "Home & Kitchen",
       "unit_price": 14.5}
COMPASS = {"product_id": "P9002", "name": "Brass Compass", "category": "Sports & Outdoors",
           "unit_price": 32.0}


def _line(transaction_id: str, timestamp: str, user: dict | None, product: dict | None,
          quantity=1, price=None, status="completed", order_id=None) -> dict:
    record = {
        "transaction_id": transaction_id,
        "order_id": order_id or "ORD-" + transaction_id.removeprefix("TX-"),
        "timestamp": timestamp,
        "status": status,
        "quantity": quantity,
        "price": price if price is not None else (product or MUG)["unit_price"],
        "user": user,
        "product": product,
    }
    if product is None:
        del record["product"]
    return record


@dataclass(frozen=True)
class HandMade:
    """One hand-written line: which day's file it goes in, the record, what it shows."""

    day: date
    record: dict
    shows: str
    group: str | None = None      # lines of one day with the same group share a line on screen

    @property
    def topic(self) -> str:
        """What the line shows, or what its group shows."""
        return self.group or self.shows

    @property
    def transaction_id(self) -> str:
        return str(self.record.get("transaction_id", ""))


_ADA_1 = _line("TX-ADA-1", "2025-03-01T09:30:00Z", ADA_BEFORE, MUG, quantity=2)

HAND_MADE: tuple[HandMade, ...] = (
    HandMade(date(2025, 3, 1), _ADA_1, "Ada's first order, as Ada Byron"),
    HandMade(date(2025, 3, 2), _line("TX-ADA-2", "2025-03-02T18:05:00Z", ADA_AFTER, COMPASS),
             "Ada, now Lovelace, with a new email (SCD1)"),
    HandMade(date(2025, 3, 2), _line("TX-GUEST-1", "2025-03-02T12:40:00Z", None, MUG),
             "a guest checkout: no user (key -1)"),
    HandMade(date(2025, 3, 2), _line("TX-BAD-1", "2025-03-02T13:00:00Z", ADA_AFTER, MUG,
                                     quantity="2"),
             'quantity "2" is text, not a number', "broken: quantity, time, status"),
    HandMade(date(2025, 3, 2), _line("TX-BAD-2", "yesterday", None, MUG),
             "a timestamp that is not a date-time", "broken: quantity, time, status"),
    HandMade(date(2025, 3, 2), _line("TX-BAD-3", "2025-03-02T14:00:00Z", None, COMPASS,
                                     status="shipped"),
             'status "shipped" is not an accepted status', "broken: quantity, time, status"),
    HandMade(date(2025, 3, 2), dict(_ADA_1),
             "TX-ADA-1 sent again, identical: a duplicate", "sent again: identical, then quantity 5"),
    HandMade(date(2025, 3, 2), {**_ADA_1, "quantity": 5},
             "TX-ADA-1 sent again with quantity 5: a conflict", "sent again: identical, then quantity 5"),
    HandMade(date(2025, 3, 3), _line("TX-LATE-1", "2025-03-01T21:15:00Z", ADA_BEFORE, COMPASS),
             "an order of 1 March, two days late"),
    HandMade(date(2025, 3, 3), _line("TX-BAD-4", "2025-03-03T10:00:00Z", None, MUG,
                                     price=9.999),
             "price 9.999 has more than two decimals", "broken: three-decimal price, no product"),
    HandMade(date(2025, 3, 3), _line("TX-BAD-5", "2025-03-03T11:00:00Z", None, None,
                                     price=5.0),
             "no product at all", "broken: three-decimal price, no product"),
)


def days() -> list[date]:
    return [FIRST_DAY + timedelta(days=offset) for offset in range(DAYS)]


def batch_name(day: date) -> str:
    return f"transactions_{day:%Y%m%d}.json"


def day_records(catalogue: Catalogue, day: date) -> list[dict]:
    """One day's lines: the generated ones, then the hand-made ones of that day."""
    records = list(generator.day_records(catalogue, day, LINES_PER_DAY))
    records.extend(item.record for item in HAND_MADE if item.day == day)
    return records


def write_scenario(folder: Path) -> list[tuple[Path, int]]:
    """Write the three batch files into ``folder``; return (path, lines) for each day.

    Each file is a JSON array with one record per line, written under a temporary name
    and renamed into place (as the generator does).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = build_catalogue(SEED)
    written = []
    for day in days():
        records = day_records(catalogue, day)
        target = folder / batch_name(day)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write("[\n" + ",\n".join(orjson.dumps(r).decode() for r in records) + "\n]\n")
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append((target, len(records)))
    return written
