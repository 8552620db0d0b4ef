"""The headline numbers: net revenue, orders, average order value, customers, repeat-purchase
rate and refund rate for the period, each beside the previous period of the same length."""

from __future__ import annotations

from dataclasses import dataclass

from ecommerce_warehouse.dashboard.data import Filters, Reader, average_cents, money, percent, ratio
from ecommerce_warehouse.dashboard.ui import Section, Ui


@dataclass(frozen=True)
class Kpi:
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


def figures(row: dict) -> dict:
    """The six numbers of one period from kpis.sql's row."""
    return {
        "net_revenue_cents": int(row["net_revenue_cents"] or 0),
        "orders": int(row["orders"] or 0),
        "average_order_cents": average_cents(int(row["net_revenue_cents"] or 0), int(row["orders"] or 0)),
        "customers": int(row["customers"] or 0),
        "repeat_rate": ratio(int(row["repeat_customers"] or 0), int(row["customers"] or 0)),
        "refund_rate": ratio(int(row["refunded_lines"] or 0), int(row["lines"] or 0)),
    }


def load(reader: Reader, filters: Filters) -> dict:
    (now,) = reader.rows("dashboard/kpis", filters.params())
    previous = filters.previous()
    (before,) = reader.rows("dashboard/kpis", previous.params())
    now, before = figures(now), figures(before)
    labels = (("net_revenue_cents", "Net revenue", "money"), ("orders", "Orders", "count"),
              ("average_order_cents", "Average order value", "money"), ("customers", "Customers", "count"),
              ("repeat_rate", "Repeat-purchase rate", "rate"), ("refund_rate", "Refund rate", "rate"))
    return {"kpis": [Kpi(label, now[key], before[key], kind) for key, label, kind in labels],
            "previous": previous}


def shown(ui: Ui, kpi: Kpi, value) -> str:
    if value is None:
        return "–"
    if kpi.kind == "money":
        return money(value)                 # the currency is in the label
    if kpi.kind == "rate":
        return percent(value)
    return f"{value:,}"


def render(ui: Ui, data: dict) -> None:
    previous: Filters = data["previous"]
    columns = ui.st.columns(3)
    for index, kpi in enumerate(data["kpis"]):
        change = kpi.change
        delta = None
        if change is not None:
            delta = f"{change * 100:+.1f} pts" if kpi.kind == "rate" else f"{change * 100:+.1f}%"
        good = "inverse" if kpi.label == "Refund rate" else "normal"
        label = f"{kpi.label} ({ui.currency})" if kpi.kind == "money" else kpi.label
        columns[index % 3].metric(label, shown(ui, kpi, kpi.now), delta=delta, delta_color=good,
                                  border=True,
                                  help=f"Previous period ({previous.describe()}): {shown(ui, kpi, kpi.before)}")
        columns[index % 3].caption(f"previous: {shown(ui, kpi, kpi.before)}")
    ui.st.caption(f"Beside each number, the previous {previous.days} days ({previous.describe()}). "
                  "Customers are known customers (guests cannot be told apart); a repeat customer "
                  "has two or more completed orders in the period; the refund rate is per order line.")


SECTION = Section("kpis", "Key figures", load, render)
