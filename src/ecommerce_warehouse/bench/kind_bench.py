"""Benchmark another input kind against order lines, in the same run (``warehouse bench
--events``, ``--changes``).

Two measurements for each kind (``EVENTS``, ``CHANGES``), each step in a fresh child
process as for order lines (``workers``):

- **a day of the kind's records** of about the size of the run's order-line day (N records
  for N order lines): generate, ingest and transform into a fresh warehouse; the ratio of
  their seconds per million (ingest + transform ÷ the order lines' ingest + transform, both
  measured in this run) and each step's peak RSS;
- **a day into a full warehouse**: ``days`` days of the default shop's records loaded in one
  ingest and one transform, then the next day's file into it and into an empty warehouse;
  the ratio of the two. The next day is generated with the history (one range of
  ``days`` + 1 days, so its file continues the same world: sessions across midnight, late
  page views, orders' later milestones, the day before's replay) and loaded on its own.

With ``--rounds N`` (``more_rounds``) the day's loads are measured N times: after the
first round, the order lines' file and then each kind's are ingested and transformed again,
each into a fresh warehouse, round after round, so a slow moment of a shared machine
lands in one round of each rather than in one side of a ratio. Each kind's ratio is also
given from the medians of its rounds (the kind's median seconds per million ÷ the order
lines'), beside every round's own.

Nothing here asserts a speed: the figures go to the report and to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from statistics import median

from ecommerce_warehouse.bench import workers
from ecommerce_warehouse.bench.workers import BenchError
from ecommerce_warehouse.settings import DEFAULT_TRANSACTIONS

DEFAULT_DAYS = 30

Say = Callable[[str], None]


@dataclass(frozen=True)
class Kind:
    """What differs between the kinds: names, and how many records a day of N lines holds."""
    name: str                   # the kind; its folder, warehouse and generate worker are named after it
    records: str                # the records in words ("page views")
    key: str                    # their count's key in the JSON document ("page_views")
    per_order_line: float       # records a generated day holds for each order line of the day
    transform: str              # what its transform does, for the progress line
    day_of: str                 # "the sessions of": how a day's records relate to its order lines
    tables: dict[str, str]      # JSON key -> table whose rows the transform reports
    headline: tuple[str, str]   # (JSON key, words) of the one count the report's first line shows


EVENTS = Kind(
    name="events", records="page views", key="page_views",
    # measured on the default month: 220,938 page views for 15,540 order lines
    per_order_line=14.2, transform="sessions", day_of="the sessions of",
    tables={"sessions": "fact_sessions", "fact_page_views": "fact_page_views"},
    headline=("sessions", "sessions"),
)

CHANGES = Kind(
    name="changes", records="change events", key="change_events",
    # measured: 4,898 events for 2,000 lines (each order's events of its first day, and the
    # products' snapshot)
    per_order_line=2.45, transform="merge, SCD2, lifecycle", day_of="the orders of",
    tables={"fact_order_lifecycle": "fact_order_lifecycle", "fact_payments": "fact_payments"},
    headline=("fact_order_lifecycle", "orders in the lifecycle"),
)


def _figures(seconds: float, lines: int, rss: int | None) -> dict:
    return {"seconds": round(seconds, 4), "lines": lines,
            "seconds_per_million": round(seconds * 1_000_000 / lines, 3) if lines else None,
            "peak_rss_bytes": rss}


def _generate(kind: Kind, out_dir: Path, start, end, transactions: int, seed: int,
              timeout: float | None) -> dict:
    return workers.run_in_child(f"generate-{kind.name}", timeout, out_dir=str(out_dir),
                                start=start.isoformat(), end=end.isoformat(),
                                transactions=transactions, seed=seed)


def measure_day(kind: Kind, folder: Path, size: int, order_steps: dict, seed: int,
                timeout: float | None, say: Say) -> dict:
    """A day of about ``size`` of the kind's records into a fresh warehouse, against
    ``order_steps`` (the order lines' ingest and transform figures of the same run)."""
    day, _ = workers.bench_days()
    lines = max(1, round(size / kind.per_order_line))
    say(f"[{size:,}] {kind.name}: generate the {kind.records} of a {lines:,}-line day ...")
    gen = _generate(kind, folder / f"{kind.name}_raw", day, day, lines, seed, timeout)
    count = gen["lines"]
    db = folder / f"{kind.name}.db"
    say(f"[{size:,}] {kind.name}: ingest {count:,} {kind.records} ...")
    ing = workers.run_in_child("ingest", timeout, db=str(db), paths=gen["paths"])
    say(f"[{size:,}] {kind.name}: transform ({kind.transform}) ...")
    tra = workers.run_in_child("transform", timeout, db=str(db))
    steps = {
        "generate": _figures(gen["seconds"], count, gen["peak_rss_bytes"]),
        "ingest": _figures(ing["seconds"], ing["records_read"], ing["peak_rss_bytes"]),
        "transform": _figures(tra["seconds"], tra["staged_rows"], tra["peak_rss_bytes"]),
    }
    load = steps["ingest"]["seconds"] + steps["transform"]["seconds"]
    steps["ingest+transform"] = _figures(load, count, max(ing["peak_rss_bytes"], tra["peak_rss_bytes"]))
    orders = order_steps["ingest"]["seconds"] + order_steps["transform"]["seconds"]
    order_lines = order_steps["ingest"]["lines"]
    per_million = steps["ingest+transform"]["seconds_per_million"]
    order_per_million = orders * 1_000_000 / order_lines if order_lines else None
    return {
        kind.key: count, "order_lines_of_the_day": lines, "day": day.isoformat(),
        "file_bytes": gen["file_bytes"], "steps": steps,
        **{key: tra["tables"].get(table) for key, table in kind.tables.items()},
        "order_lines_seconds_per_million": round(order_per_million, 3) if order_per_million else None,
        "ratio_to_order_lines": round(per_million / order_per_million, 3) if order_per_million else None,
        "peak_rss_bytes": steps["ingest+transform"]["peak_rss_bytes"],
    }


def more_rounds(folder: Path, order_paths: list[str], run: dict, kinds: Sequence[Kind], rounds: int,
                timeout: float | None, say: Say) -> None:
    """Rounds 2 to ``rounds`` of the day's loads: the order lines' file (``order_paths``), then
    each kind's day file, ingested and transformed again, each into a fresh warehouse that is
    deleted after its round. Adds each kind's ``rounds`` and median figures to ``run[kind.name]``
    (the first round is the one already in ``run``)."""
    order_lines = run["steps"]["ingest"]["lines"]
    order_seconds = [run["steps"]["ingest"]["seconds"] + run["steps"]["transform"]["seconds"]]
    seconds = {kind.name: [run[kind.name]["steps"]["ingest+transform"]["seconds"]] for kind in kinds}
    day_files = {kind.name: sorted(str(path) for path in (folder / f"{kind.name}_raw").iterdir())
                 for kind in kinds}
    for number in range(2, rounds + 1):
        work = folder / f"round{number}"
        work.mkdir(parents=True, exist_ok=True)
        try:
            say(f"[{order_lines:,}] round {number} of {rounds}: order lines ...")
            order_seconds.append(_load(work / "warehouse.db", order_paths, order_lines, timeout))
            for kind in kinds:
                say(f"[{order_lines:,}] round {number} of {rounds}: {kind.records} ...")
                seconds[kind.name].append(_load(work / f"{kind.name}.db", day_files[kind.name],
                                                run[kind.name][kind.key], timeout))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    for kind in kinds:
        day = run[kind.name]
        count = day[kind.key]
        day["rounds"] = [
            {"order_lines_seconds": round(orders, 4), "seconds": round(own, 4),
             "ratio_to_order_lines": round((own / count) / (orders / order_lines), 3)}
            for orders, own in zip(order_seconds, seconds[kind.name], strict=True)]
        day["median_seconds_per_million"] = round(median(seconds[kind.name]) * 1_000_000 / count, 3)
        day["median_order_lines_seconds_per_million"] = round(
            median(order_seconds) * 1_000_000 / order_lines, 3)
        day["median_ratio_to_order_lines"] = round(
            day["median_seconds_per_million"] / day["median_order_lines_seconds_per_million"], 3)


def _load(db: Path, paths: list[str], records: int, timeout: float | None) -> float:
    """Seconds of ingest + transform of ``paths`` into the fresh warehouse ``db``, which must
    read the ``records`` of the first round."""
    ingested = workers.run_in_child("ingest", timeout, db=str(db), paths=paths)
    if ingested["records_read"] != records:
        raise BenchError(f"round of {db.name}: {ingested['records_read']:,} records read, "
                         f"{records:,} in the first round")
    transformed = workers.run_in_child("transform", timeout, db=str(db))
    return ingested["seconds"] + transformed["seconds"]


def measure_increment(kind: Kind, folder: Path, days: int, seed: int, timeout: float | None,
                      say: Say) -> dict:
    """``days`` days of the default shop's records in one warehouse, then the next day's
    file into it and into an empty warehouse."""
    first, _ = workers.bench_days()
    nextday = first + timedelta(days=days)
    say(f"{kind.name}: generate {days} days of {kind.records}, and the next day ...")
    generated = _generate(kind, folder / "history", first, nextday, DEFAULT_TRANSACTIONS, seed, timeout)
    history = {"paths": generated["paths"][:-1], "lines": sum(generated["counts"][:-1])}
    batch = {"paths": generated["paths"][-1:], "lines": generated["counts"][-1]}
    full = folder / "history.db"
    say(f"{kind.name}: load {history['lines']:,} {kind.records} of {days} days ...")
    workers.run_in_child("ingest", timeout, db=str(full), paths=history["paths"])
    workers.run_in_child("transform", timeout, db=str(full))
    cases = {}
    for name, db in (("empty", folder / "next_only.db"), ("full", full)):
        say(f"{kind.name}: the next day into the {name} warehouse ...")
        ing = workers.run_in_child("ingest", timeout, db=str(db), paths=batch["paths"])
        tra = workers.run_in_child("transform", timeout, db=str(db))
        cases[name] = {"ingest_seconds": round(ing["seconds"], 4), "transform_seconds": round(tra["seconds"], 4),
                       "total_seconds": round(ing["seconds"] + tra["seconds"], 4),
                       "peak_rss_bytes": max(ing["peak_rss_bytes"], tra["peak_rss_bytes"])}
    return {"days": days, f"history_{kind.key}": history["lines"], f"day_{kind.key}": batch["lines"],
            "day": nextday.isoformat(), "cases": cases,
            "ratio_full_to_empty": round(cases["full"]["total_seconds"] / cases["empty"]["total_seconds"], 3)}


def format_day(kind: Kind, day: dict, mb: Callable) -> list[str]:
    """A day of the kind's records against the order lines, as report lines."""
    key, words = kind.headline
    out = [(f"  {kind.records}: {day[kind.key]:,} of one day ({day['day']}: {kind.day_of} a "
            f"{day['order_lines_of_the_day']:,}-line day), file {mb(day['file_bytes'])}, "
            f"{day[key]:,} {words}"),
           f"    {'step':<17}{'seconds':>10}{'s per 1M':>11}{'peak RSS':>12}"]
    for name, step in day["steps"].items():
        out.append(f"    {name:<17}{step['seconds']:>10.2f}{step['seconds_per_million']:>11.1f}"
                   f"{mb(step['peak_rss_bytes']):>12}")
    if day["ratio_to_order_lines"] is not None:
        out.append(f"    ingest + transform per million {kind.records} ÷ per million order lines: "
                   f"{day['ratio_to_order_lines']:.2f}× "
                   f"({day['steps']['ingest+transform']['seconds_per_million']:.1f} s ÷ "
                   f"{day['order_lines_seconds_per_million']:.1f} s)")
    if "rounds" in day:
        each = ", ".join(f"{r['ratio_to_order_lines']:.2f}×" for r in day["rounds"])
        out.append(f"    median of {len(day['rounds'])} interleaved rounds: "
                   f"{day['median_ratio_to_order_lines']:.2f}× "
                   f"({day['median_seconds_per_million']:.1f} s ÷ "
                   f"{day['median_order_lines_seconds_per_million']:.1f} s); each round: {each}")
    return out


def format_increment(kind: Kind, increment: dict, mb: Callable) -> list[str]:
    """The next day into a full warehouse and into an empty one, as report lines."""
    out = [(f"{kind.records}: the next day ({increment[f'day_{kind.key}']:,}) into a warehouse holding "
            f"{increment['days']} days ({increment[f'history_{kind.key}']:,}) and into an empty one"),
           f"  {'case':<10}{'ingest s':>10}{'transform s':>13}{'total s':>9}{'peak RSS':>11}"]
    for name in ("empty", "full"):
        case = increment["cases"][name]
        out.append(f"  {name:<10}{case['ingest_seconds']:>10.2f}{case['transform_seconds']:>13.2f}"
                   f"{case['total_seconds']:>9.2f}{mb(case['peak_rss_bytes']):>11}")
    out.append(f"  full ÷ empty: {increment['ratio_full_to_empty']:.2f}×")
    return out
