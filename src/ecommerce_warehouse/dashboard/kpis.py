"""The headline numbers: net revenue, orders, average order value, customers, repeat-purchase
rate and refund rate for the period, each beside the previous period of the same length
(``figures.key_figures`` counts them)."""

from __future__ import annotations

from ecommerce_warehouse.dashboard.ui import Section, Ui
from ecommerce_warehouse.read.figures import Filters, Reader, key_figures


def load(reader: Reader, filters: Filters) -> dict:
    return {"kpis": key_figures(reader, filters), "previous": filters.previous()}


def render(ui: Ui, data: dict) -> None:
    previous: Filters = data["previous"]
    columns = ui.st.columns(3)
    for index, kpi in enumerate(data["kpis"]):
        label = f"{kpi.label} ({ui.currency})" if kpi.kind == "money" else kpi.label
        good = "inverse" if kpi.label == "Refund rate" else "normal"
        column = columns[index % 3]
        column.metric(label, kpi.shown(kpi.now), delta=kpi.shown_change(), delta_color=good, border=True,
                      help=f"Previous period ({previous.describe()}): {kpi.shown(kpi.before)}")
        column.caption(f"previous: {kpi.shown(kpi.before)}")
    ui.st.caption(f"Beside each number, the previous {previous.days} days ({previous.describe()}). "
                  "Customers are known customers (guests cannot be told apart); a repeat customer "
                  "has two or more completed orders in the period; the refund rate is per order line.")


SECTION = Section("kpis", "Key figures", load, render)
