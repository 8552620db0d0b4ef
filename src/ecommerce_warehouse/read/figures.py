"""The numbers the dashboard and the report show, read from the Gold views (no Streamlit).

``Reader`` opens any warehouse read-only (``db.open_read_only``: SQLite, PostgreSQL, any
engine behind ``engines/``) and runs the queries of ``sql/dashboard/``, every value bound
as a parameter. ``Filters`` is the period and the categories chosen, ``previous()`` the
period of the same length just before it. Also here: money as text in the shop's
currency, the 7-day moving average, at most 8 categories plus "Other", and which months
a period or the data do not cover whole (partial months).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, bindparam, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse import engines, sqlfiles
from ecommerce_warehouse.db import open_read_only, redacted
from ecommerce_warehouse.errors import DatabaseError
from ecommerce_warehouse.model.schema import check_readable

# The Gold view every section reads; a warehouse without it was built by an earlier
# release and is brought up to date by `warehouse upgrade` (views are replaced there).
LINES_VIEW = "gold_order_lines"
TOP_CATEGORIES = 8
OTHER = "Other"
MOVING_DAYS = 7
DRILL_ROWS = 500


@dataclass(frozen=True)
class Filters:
    """The dashboard's choice: a period (both days included) and some categories (none: all)."""

    start: date
    end: date
    categories: tuple[str, ...] = ()
    first_day: date | None = None      # the warehouse's first day with a line (no data before)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Filters(end - timedelta(days=self.days - 1), end, self.categories, self.first_day)

    def params(self) -> dict:
        return {"date_from": self.start.isoformat(), "date_to": self.end.isoformat(),
                "all_categories": 0 if self.categories else 1, "categories": list(self.categories)}

    def describe(self) -> str:
        return f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"


class Reader:
    """One warehouse, read-only: the dashboard's queries by name, rows as plain dicts."""

    def __init__(self, db: str):
        self.db = db
        self.shown = redacted(db)
        self.engine: Engine = open_read_only(db)
        try:
            with self.engine.connect() as connection:
                check_readable(connection)
                self.plain = engines.of(connection).plain_value
                self.rows("dashboard/date_range", {})
        except DBAPIError as exc:
            self.engine.dispose()
            detail = " ".join(str(exc.orig).split()) if exc.orig is not None else str(exc)
            if LINES_VIEW in detail:
                raise DatabaseError(f"{self.shown} has no {LINES_VIEW} view yet: run `warehouse upgrade "
                                    f"--db {self.shown}` (it adds this release's views), then try again") from exc
            raise DatabaseError(f"cannot read {self.shown}: {detail}") from exc
        except BaseException:
            self.engine.dispose()
            raise

    def rows(self, name: str, params: dict) -> list[dict]:
        """Every row of one query of sql/ (a list of category names binds as a list)."""
        with self.engine.connect() as connection:
            (statement,) = sqlfiles.statements(name, connection.dialect.name)
            query = text(statement)
            if ":categories" in statement:
                query = query.bindparams(bindparam("categories", expanding=True, type_=String()))
            result = connection.execute(query, params)
            return [{key: self.plain(value) for key, value in row.items()} for row in result.mappings()]

    def close(self) -> None:
        self.engine.dispose()


# --- numbers as text ---------------------------------------------------------------------------

def money(cents, currency: str = "") -> str:
    """Exact cents as 'USD 1,234.56' (integer arithmetic, no float rounding)."""
    cents = int(cents or 0)
    sign = "-" if cents < 0 else ""
    amount = f"{sign}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"
    return f"{currency} {amount}" if currency else amount


def percent(share) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def average_cents(total: int, count: int) -> int | None:
    """total / count rounded half up to whole cents (as the Gold views round), None for 0."""
    return (total + count // 2) // count if count else None


# --- the key figures ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kpi:
    """One key figure of a period, beside the previous period's."""

    label: str
    now: float | int | None
    before: float | int | None
    kind: str                   # 'money', 'count' or 'rate'

    @property
    def change(self) -> float | None:
        """The relative change from the previous period (a rate: its change in points)."""
        if self.now is None or self.before is None:
            return None
        if self.kind == "rate":
            return self.now - self.before
        return (self.now - self.before) / self.before if self.before else None

    def shown(self, value, currency: str = "") -> str:
        if value is None:
            return "–"
        if self.kind == "money":
            return money(value, currency)
        if self.kind == "rate":
            return percent(value)
        return f"{value:,}"

    def shown_change(self) -> str | None:
        change = self.change
        if change is None:
            return None
        return f"{change * 100:+.1f} pts" if self.kind == "rate" else f"{change * 100:+.1f}%"


def period_figures(row: dict) -> dict:
    """The six numbers of one period from kpis.sql's row."""
    net, orders, customers = (int(row[k] or 0) for k in ("net_revenue_cents", "orders", "customers"))
    return {
        "net_revenue_cents": net,
        "orders": orders,
        "average_order_cents": average_cents(net, orders),
        "customers": customers,
        "repeat_rate": ratio(int(row["repeat_customers"] or 0), customers),
        "refund_rate": ratio(int(row["refunded_lines"] or 0), int(row["lines"] or 0)),
    }


KPIS = (("net_revenue_cents", "Net revenue", "money"), ("orders", "Orders", "count"),
        ("average_order_cents", "Average order value", "money"), ("customers", "Customers", "count"),
        ("repeat_rate", "Repeat-purchase rate", "rate"), ("refund_rate", "Refund rate", "rate"))


def key_figures(reader: Reader, filters: Filters) -> list[Kpi]:
    """Net revenue, orders, average order value, customers, repeat-purchase rate and refund
    rate of the period, each beside the previous period of the same length."""
    (now,) = reader.rows("dashboard/kpis", filters.params())
    (before,) = reader.rows("dashboard/kpis", filters.previous().params())
    now, before = period_figures(now), period_figures(before)
    return [Kpi(label, now[key], before[key], kind) for key, label, kind in KPIS]


# --- shapes the charts draw ----------------------------------------------------------------------

def days_from(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def with_moving_average(rows: Sequence[dict], filters: Filters) -> list[dict]:
    """One row per day of the period (0 on a day without sales) with the average of that
    day and the six before it (``rows`` must start six days before the period), days
    before the warehouse's first one left out of the average (they hold no data, not 0)."""
    by_day = {row["sales_date"]: row for row in rows}
    out = []
    window: list[int] = []
    first = filters.start - timedelta(days=MOVING_DAYS - 1)
    if filters.first_day is not None:
        first = max(first, min(filters.first_day, filters.start))
    for day in days_from(first, filters.end):
        found = by_day.get(day.isoformat(), {})
        cents = int(found.get("net_revenue_cents") or 0)
        window = (window + [cents])[-MOVING_DAYS:]
        if day >= filters.start:
            out.append({"sales_date": day.isoformat(), "orders": int(found.get("orders") or 0),
                        "net_revenue_cents": cents,
                        "moving_average_cents": (sum(window) + len(window) // 2) // len(window)})
    return out


def top_categories(rows: Sequence[dict], keep: int = TOP_CATEGORIES) -> list[str]:
    """The ``keep`` categories with the most revenue over the rows; the rest become Other."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row["category"]] += int(row["net_revenue_cents"] or 0)
    ranked = sorted(totals, key=lambda name: (-totals[name], name))
    return ranked[:keep] if len(ranked) > keep + 1 else ranked


def month_bounds(month: str) -> tuple[date, date]:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def partial_months(months: Sequence[str], filters: Filters, first_day: str, last_day: str) -> dict[str, str]:
    """Each month the period or the data do not cover whole, with why (for a footnote)."""
    covered_from = max(filters.start, date.fromisoformat(first_day))
    covered_to = min(filters.end, date.fromisoformat(last_day))
    notes = {}
    for month in months:
        first, last = month_bounds(month)
        if covered_from > first or covered_to < last:
            shown_from, shown_to = max(first, covered_from), min(last, covered_to)
            notes[month] = (f"{shown_to:%d %b} only" if shown_from == shown_to
                            else f"{shown_from:%d} to {shown_to:%d %b} only")
    return notes


def category_mix(rows: Sequence[dict], filters: Filters, first_day: str, last_day: str) -> dict:
    """Revenue per month and category (at most 8 categories plus Other), each category's
    share of its month, and which months are partial."""
    kept = set(top_categories(rows))
    cells: dict[tuple[str, str], int] = defaultdict(int)
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        name = row["category"] if row["category"] in kept else OTHER
        cells[row["sales_month"], name] += int(row["net_revenue_cents"] or 0)
        members[row["sales_month"], name].append(row["category"])
    months = sorted({month for month, _ in cells})
    totals = {month: sum(v for (m, _), v in cells.items() if m == month) for month in months}
    partial = partial_months(months, filters, first_day, last_day)
    out = [{"sales_month": month, "category": name, "net_revenue_cents": cents,
            "share": ratio(cents, totals[month]), "partial": month in partial,
            "month_label": f"{month}*" if month in partial else month,
            "categories": sorted(members[month, name])}
           for (month, name), cents in sorted(cells.items())]
    return {"rows": out, "partial": partial, "months": months}


def shift_month(month: str, months: int) -> str:
    year, number = int(month[:4]), int(month[5:7]) - 1 + months
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"
