"""Benchmark change events against order lines, in the same run (``warehouse bench --changes``).

Two measurements, each step in a fresh child process as for order lines (``workers``):

- **a day of change events** of about the size of the run's order-line day (N events for
  N order lines): generate, ingest and transform (the merge into Silver, SCD2, the
  lifecycle, payments and the daily snapshot) into a fresh warehouse; the ratio of their
  seconds per million (ingest + transform ÷ the order lines' ingest + transform, both
  measured in this run) and each step's peak RSS;
- **a day into a full warehouse**: ``days`` days of the default shop's change events
  (about 2,300 a day) loaded in one ingest and one transform, then the next day's file
  into it and into an empty warehouse; the ratio of the two.

Nothing here asserts a speed: the figures go to the report and to docs/BENCHMARKS.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from ecommerce_warehouse.bench import workers
from ecommerce_warehouse.settings import DEFAULT_TRANSACTIONS

# Change events a generated one-day range holds for each order line of the day (measured:
# 4,898 events for 2,000 lines: each order's events of its first day, and the products'
# snapshot), to ask the generator for about N.
CHANGES_PER_ORDER_LINE = 2.45
DEFAULT_DAYS = 30

Say = Callable[[str], None]


def _figures(seconds: float, lines: int, rss: int | None) -> dict:
    return {"seconds": round(seconds, 4), "lines": lines,
            "seconds_per_million": round(seconds * 1_000_000 / lines, 3) if lines else None,
            "peak_rss_bytes": rss}


def measure_day(folder: Path, size: int, order_steps: dict, seed: int, timeout: float | None,
                say: Say) -> dict:
    """A day of about ``size`` change events into a fresh warehouse, against ``order_steps``
    (the order lines' ingest and transform figures of the same run)."""
    day, _ = workers.bench_days()
    lines = max(1, round(size / CHANGES_PER_ORDER_LINE))
    say(f"[{size:,}] changes: generate the change events of a {lines:,}-line day ...")
    gen = workers.run_in_child("generate-changes", timeout, out_dir=str(folder / "changes_raw"),
                               start=day.isoformat(), end=day.isoformat(), transactions=lines, seed=seed)
    views = gen["lines"]
    db = folder / "changes.db"
    say(f"[{size:,}] changes: ingest {views:,} change events ...")
    ing = workers.run_in_child("ingest", timeout, db=str(db), paths=gen["paths"])
    say(f"[{size:,}] changes: transform (merge, SCD2, lifecycle) ...")
    tra = workers.run_in_child("transform", timeout, db=str(db))
    steps = {
        "generate": _figures(gen["seconds"], views, gen["peak_rss_bytes"]),
        "ingest": _figures(ing["seconds"], ing["records_read"], ing["peak_rss_bytes"]),
        "transform": _figures(tra["seconds"], tra["staged_rows"], tra["peak_rss_bytes"]),
    }
    load = steps["ingest"]["seconds"] + steps["transform"]["seconds"]
    steps["ingest+transform"] = _figures(load, views, max(ing["peak_rss_bytes"], tra["peak_rss_bytes"]))
    orders = order_steps["ingest"]["seconds"] + order_steps["transform"]["seconds"]
    order_lines = order_steps["ingest"]["lines"]
    per_million = steps["ingest+transform"]["seconds_per_million"]
    order_per_million = orders * 1_000_000 / order_lines if order_lines else None
    return {
        "change_events": views, "order_lines_of_the_day": lines, "day": day.isoformat(),
        "file_bytes": gen["file_bytes"], "steps": steps,
        "fact_order_lifecycle": tra["tables"].get("fact_order_lifecycle"),
        "fact_payments": tra["tables"].get("fact_payments"),
        "order_lines_seconds_per_million": round(order_per_million, 3) if order_per_million else None,
        "ratio_to_order_lines": round(per_million / order_per_million, 3) if order_per_million else None,
        "peak_rss_bytes": steps["ingest+transform"]["peak_rss_bytes"],
    }


def measure_increment(folder: Path, days: int, seed: int, timeout: float | None, say: Say) -> dict:
    """``days`` days of the default shop's change events in one warehouse, then the next
    day's file into it and into an empty warehouse. The next day is generated with the
    history (one range of ``days`` + 1 days, so its file continues the same world: its
    orders' later milestones, the day before's replay) and loaded on its own."""
    first, _ = workers.bench_days()
    last = first + timedelta(days=days)
    say(f"changes: generate {days} days of change events, and the next day ...")
    generated = workers.run_in_child("generate-changes", timeout, out_dir=str(folder / "history"),
                                     start=first.isoformat(), end=last.isoformat(),
                                     transactions=DEFAULT_TRANSACTIONS, seed=seed)
    nextday = last.isoformat()
    history = {"paths": generated["paths"][:-1], "lines": sum(generated["counts"][:-1])}
    batch = {"paths": generated["paths"][-1:], "lines": generated["counts"][-1]}
    full = folder / "history.db"
    say(f"changes: load {history['lines']:,} change events of {days} days ...")
    workers.run_in_child("ingest", timeout, db=str(full), paths=history["paths"])
    workers.run_in_child("transform", timeout, db=str(full))
    cases = {}
    for name, db in (("empty", folder / "next_only.db"), ("full", full)):
        say(f"changes: the next day into the {name} warehouse ...")
        ing = workers.run_in_child("ingest", timeout, db=str(db), paths=batch["paths"])
        tra = workers.run_in_child("transform", timeout, db=str(db))
        cases[name] = {"ingest_seconds": round(ing["seconds"], 4), "transform_seconds": round(tra["seconds"], 4),
                       "total_seconds": round(ing["seconds"] + tra["seconds"], 4),
                       "peak_rss_bytes": max(ing["peak_rss_bytes"], tra["peak_rss_bytes"])}
    return {"days": days, "history_change_events": history["lines"], "day_change_events": batch["lines"],
            "day": nextday, "cases": cases,
            "ratio_full_to_empty": round(cases["full"]["total_seconds"] / cases["empty"]["total_seconds"], 3)}


def format_changes(changes: dict, mb: Callable, rate: Callable) -> list[str]:
    """The change events' figures of one run, as report lines."""
    out = []
    day = changes.get("day_run")
    if day:
        out.append(f"  change events: {day['change_events']:,} of one day ({day['day']}: the orders of a "
                   f"{day['order_lines_of_the_day']:,}-line day), file {mb(day['file_bytes'])}, "
                   f"{day['fact_order_lifecycle']:,} orders in the lifecycle")
        out.append(f"    {'step':<17}{'seconds':>10}{'s per 1M':>11}{'peak RSS':>12}")
        for name, step in day["steps"].items():
            out.append(f"    {name:<17}{step['seconds']:>10.2f}{step['seconds_per_million']:>11.1f}"
                       f"{mb(step['peak_rss_bytes']):>12}")
        if day["ratio_to_order_lines"] is not None:
            out.append(f"    ingest + transform per million change events ÷ per million order lines: "
                       f"{day['ratio_to_order_lines']:.2f}× "
                       f"({day['steps']['ingest+transform']['seconds_per_million']:.1f} s ÷ "
                       f"{day['order_lines_seconds_per_million']:.1f} s)")
    increment = changes.get("increment")
    if increment:
        empty, full = increment["cases"]["empty"], increment["cases"]["full"]
        out.append(f"  change events: the next day ({increment['day_change_events']:,}) into a warehouse "
                   f"holding {increment['days']} days ({increment['history_change_events']:,}) and into an empty one")
        out.append(f"    {'case':<10}{'ingest s':>10}{'transform s':>13}{'total s':>9}{'peak RSS':>11}")
        for name, case in (("empty", empty), ("full", full)):
            out.append(f"    {name:<10}{case['ingest_seconds']:>10.2f}{case['transform_seconds']:>13.2f}"
                       f"{case['total_seconds']:>9.2f}{mb(case['peak_rss_bytes']):>11}")
        out.append(f"    full ÷ empty: {increment['ratio_full_to_empty']:.2f}×")
    return out
