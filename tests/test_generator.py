"""The generator: reproducible bytes for a seed, realistic content, valid batch files."""

from __future__ import annotations

import hashlib
import json
import random
import tracemalloc
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import orjson
import pytest

from ecommerce_warehouse.generate import transactions as generator
from ecommerce_warehouse.generate.catalogue import Catalogue, build_catalogue

START, END = date(2025, 3, 1), date(2025, 3, 3)


def contents(written) -> dict[str, bytes]:
    return {Path(path).name: Path(path).read_bytes() for path, _ in written}


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> list[tuple[Path, int]]:
    """Seven days of about 300 lines (seed 11): a larger sample for shares and changes."""
    return generator.generate(date(2025, 3, 3), date(2025, 3, 9), 300, 11,
                              tmp_path_factory.mktemp("week"))


def records(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_same_seed_gives_byte_identical_files(tmp_path):
    first = generator.generate(START, END, 60, 5, tmp_path / "a")
    second = generator.generate(START, END, 60, 5, tmp_path / "b")

    assert [Path(p).name for p, _ in first] == [
        "transactions_20250301.json", "transactions_20250302.json", "transactions_20250303.json"]
    assert [n for _, n in first] == [n for _, n in second]
    assert contents(first) == contents(second)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(contents(first))


def test_different_seed_gives_different_files(tmp_path):
    first = contents(generator.generate(START, END, 60, 5, tmp_path / "a"))
    other = contents(generator.generate(START, END, 60, 6, tmp_path / "b"))

    assert first.keys() == other.keys()
    assert all(first[name] != other[name] for name in first)


def test_a_day_has_the_same_bytes_alone_or_within_a_range(tmp_path):
    ranged = contents(generator.generate(START, END, 60, 5, tmp_path / "range"))
    alone = contents(generator.generate(date(2025, 3, 2), date(2025, 3, 2), 60, 5, tmp_path / "one"))

    assert alone == {"transactions_20250302.json": ranged["transactions_20250302.json"]}


def test_files_are_json_arrays_of_order_lines(week):
    for path, count in week:
        batch = records(Path(path))
        assert isinstance(batch, list)
        assert len(batch) == count > 0
        assert all(isinstance(r, dict) for r in batch)
        assert len({r["transaction_id"] for r in batch}) == count
        for record in batch:
            assert {"transaction_id", "order_id", "timestamp", "status", "quantity", "price",
                    "product"} <= record.keys()


def test_emails_only_use_reserved_example_domains(week):
    domains = {
        record["user"]["email"].rsplit("@", 1)[1]
        for path, _ in week for record in records(Path(path)) if record.get("user")
    }
    assert domains
    assert domains <= {"example.com", "example.net", "example.org"}


def test_attributes_change_between_days(week):
    emails: dict[str, set] = defaultdict(set)
    prices: dict[str, set] = defaultdict(set)
    for path, _ in week:
        for record in records(Path(path)):
            if record.get("user"):
                emails[record["user"]["user_id"]].add(record["user"]["email"])
            prices[record["product"]["product_id"]].add(record["product"]["unit_price"])

    changed_users = [u for u, seen in emails.items() if len(seen) > 1]
    changed_products = [p for p, seen in prices.items() if len(seen) > 1]
    assert changed_users, "some users should change email within a week"
    assert changed_products, "some product list prices should change within a week"


def test_statuses_and_late_lines_in_a_larger_sample(week):
    lines = 0
    not_completed = 0
    late = 0
    statuses = set()
    for path, _ in week:
        file_day = datetime.strptime(Path(path).stem.split("_")[1], "%Y%m%d").date()
        for record in records(Path(path)):
            lines += 1
            statuses.add(record["status"])
            not_completed += record["status"] in ("cancelled", "refunded")
            event_day = date.fromisoformat(record["timestamp"][:10])
            assert event_day <= file_day
            late += event_day < file_day

    assert lines > 1500
    assert statuses == {"completed", "cancelled", "refunded"}
    assert 0.005 <= not_completed / lines <= 0.06, not_completed / lines
    assert 0 < late / lines <= 0.06, late / lines


def test_dirty_rate_produces_invalid_records(tmp_path):
    clean = generator.generate(START, START, 200, 5, tmp_path / "clean")
    dirty = generator.generate(START, START, 200, 5, tmp_path / "dirty", dirty_rate=0.2)

    clean_records = records(Path(clean[0][0]))
    dirty_records = records(Path(dirty[0][0]))
    assert len(clean_records) == len(dirty_records)
    assert all("transaction_id" in r and isinstance(r["quantity"], int) and r["quantity"] >= 1
               for r in clean_records)
    broken = [r for r in dirty_records if "transaction_id" not in r or "product" not in r
              or not isinstance(r.get("quantity"), int) or r.get("quantity", 1) < 1
              or r.get("status") not in ("completed", "cancelled", "refunded")
              or r.get("timestamp") == "yesterday-ish"
              or (isinstance(r.get("price"), (int, float)) and r["price"] < 0)]
    assert broken


# The clean file of the default day (README, `make run`): what every machine in a class gets.
DEFAULT_DAY_SHA256 = "0a3a6c0b557e75b5d4ee7eb750c188993bbb5f45bfe279ca1aabd55bc7e58cb5"


def test_the_default_day_keeps_its_bytes(tmp_path):
    """`make run`'s first day, seed 42, 500 lines: pinned, so a class's numbers never move."""
    (path, count), = generator.generate(date(2025, 3, 1), date(2025, 3, 1), 500, 42, tmp_path)
    assert count == 565
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == DEFAULT_DAY_SHA256


@pytest.mark.parametrize("rate", [0.02, 0.2])
def test_dirty_rate_breaks_lines_and_keeps_the_others_byte_identical(tmp_path, rate):
    """--dirty-rate R is the clean day with about R of its lines broken: every other line has
    the clean file's very bytes, in the same place (the README's lesson relies on it)."""
    (clean_path, clean_count), = generator.generate(START, START, 500, 42, tmp_path / "clean")
    (dirty_path, dirty_count), = generator.generate(START, START, 500, 42, tmp_path / "dirty",
                                                    dirty_rate=rate)
    clean_lines = Path(clean_path).read_bytes().splitlines()
    dirty_lines = Path(dirty_path).read_bytes().splitlines()
    assert clean_count == dirty_count and len(clean_lines) == len(dirty_lines)
    changed = [i for i, (a, b) in enumerate(zip(clean_lines, dirty_lines)) if a.rstrip(b",") != b.rstrip(b",")]
    assert 0 < len(changed) <= 3 * rate * clean_count + 5, len(changed)
    assert abs(len(changed) / clean_count - rate) < max(0.6 * rate, 0.02), len(changed)
    # the same dirty file every time
    (again, _), = generator.generate(START, START, 500, 42, tmp_path / "again", dirty_rate=rate)
    assert Path(again).read_bytes() == Path(dirty_path).read_bytes()


def test_a_dirty_lesson_day_loaded_over_the_clean_one_changes_no_number(tmp_path):
    """The class's warehouse has the clean day; someone loads the lesson's dirty copy into it
    too: the intact lines are duplicates, the broken ones rejected, Gold is unchanged."""
    from conftest import load, rows

    (clean, _), = generator.generate(START, START, 500, 42, tmp_path / "clean")
    (dirty, _), = generator.generate(START, START, 500, 42, tmp_path / "dirty", dirty_rate=0.02)
    db = tmp_path / "class.db"
    load(db, clean)
    gold = "select sales_date, orders, net_revenue_cents from gold_daily_sales order by sales_date"
    before = rows(db, gold)
    result = load(db, dirty)
    (loaded,) = result.files
    assert loaded.records_loaded == 0
    assert loaded.records_rejected > 0
    assert loaded.duplicates_skipped + loaded.records_rejected == loaded.records_read
    assert rows(db, gold) == before


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build_catalogue(11)


@pytest.mark.parametrize("day", [date(2025, 3, 6), date(2025, 3, 9)])
def test_written_lines_are_orjson_of_the_records(catalogue, day):
    """The writer assembles each line from pre-serialised parts; it must be exactly the bytes
    orjson writes for the record (late lines, guests, discounts and all)."""
    lines = list(generator.day_json_lines(catalogue, day, 5_000))
    expected = [orjson.dumps(record) for record in generator.day_records(catalogue, day, 5_000)]
    assert lines == expected
    assert any(b'"user":null' in line for line in lines)
    assert any(f'"timestamp":"{day:%Y-%m-%d}'.encode() not in line for line in lines)   # late lines


@pytest.mark.parametrize(("seed", "count"), [(1, 1), (2, 37), (3, 20_000)])
def test_moment_counts_draw_what_sorted_choices_drew(seed, count):
    """The per-second counts replace a sorted list of ``count`` moments: same moments, same draws."""
    ours, theirs = random.Random(seed), random.Random(seed)
    counts = generator._moment_counts(ours, count)
    hours = theirs.choices(range(24), weights=generator.HOUR_WEIGHTS, k=count)
    moments = sorted(hour * 3600 + theirs.randrange(3600) for hour in hours)

    assert [second for second, c in enumerate(counts) for _ in range(c)] == moments
    assert ours.getstate() == theirs.getstate()


def test_memory_does_not_grow_with_the_lines_of_a_day(catalogue, tmp_path):
    """Lines are streamed to the file in chunks: a day five times longer peaks about as high
    (the only growth allowed is the per-file snapshot caches, bounded by the catalogue)."""
    def peak(lines: int) -> int:
        tracemalloc.start()
        try:
            generator.write_day(catalogue, date(2025, 3, 6), lines, tmp_path / str(lines))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(10_000), peak(50_000)
    assert large - small < 1_200_000, (small, large)
