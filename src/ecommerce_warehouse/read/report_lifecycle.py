"""The report's order-lifecycle charts: delivery lead times and payment methods (read/report.py).

Both are drawn from the Gold views of the change events: ``gold_fulfilment_lead_times``
(the hours from placed to delivered, by month and carrier: nearest-rank median and 90th
percentile) and ``gold_payment_methods`` (attempts, failures and money by method). A
warehouse made before change events existed has neither view until a loading command
upgrades it: the charts then say so instead of failing the report.
"""

from __future__ import annotations

from ecommerce_warehouse.read import svg

VIEWS = ("gold_fulfilment_lead_times", "gold_payment_methods")
LEAD_COLOUR = "#975a16"
METHOD_COLOUR = "#2c5282"
NOT_UPGRADED = "no change events in this warehouse (run a loading command to upgrade it)"


def lead_time_rows(rows: list[dict]) -> list[dict]:
    """gold_fulfilment_lead_times' placed-to-delivered rows, by month then carrier."""
    found = [row for row in rows if row["step"] == "placed_to_delivered"]
    return sorted(found, key=lambda r: (r["placed_month"], r["carrier"]))


def lead_time_chart(chart_type, rows: list[dict] | None) -> object:
    """Hours from placed to delivered, by month placed and carrier (``chart_type``: report.Chart)."""
    title = "Delivery lead times"
    chart = chart_type("lead-times", title,
                       "Hours from an order placed to its delivery, by the month it was placed and its "
                       "carrier: the median (the bar) and the 90th percentile (delivered orders only).", "",
                       ["month", "carrier", "orders", "median hours", "90th percentile hours"],
                       numeric=(2, 3, 4))
    if rows is None:
        chart.svg = svg.empty_svg(title, NOT_UPGRADED)
        return chart
    found = lead_time_rows(rows)
    chart.rows = [[r["placed_month"], r["carrier"], f"{r['orders']:,}", f"{r['p50_hours']:.1f}",
                   f"{r['p90_hours']:.1f}"] for r in found]
    chart.marks = len(found)
    if not found:
        chart.svg = svg.empty_svg(title, "no order delivered yet")
        return chart
    chart.svg = svg.horizontal_bars(title, [
        (f"{r['placed_month']} {r['carrier']}", r["p50_hours"], LEAD_COLOUR,
         (f"{r['placed_month']} {r['carrier']}: median {r['p50_hours']:.1f} h, 90th percentile "
         f"{r['p90_hours']:.1f} h ({r['orders']:,} orders)")) for r in found],
        lambda v: f"{v:.0f} h", label_width=150)
    return chart


def payment_chart(chart_type, rows: list[dict] | None, percent, money, labelled=lambda label: label) -> object:
    """Payment attempts by method, the share that failed, and the money captured."""
    title = "Payment methods"
    chart = chart_type("payment-methods", title,
                       "Payment attempts by method (a failed attempt and its retry count twice), the "
                       "share that failed, and the money captured and kept.", "",
                       ["method", "attempts", "failed", labelled("captured")], numeric=(1, 2, 3))
    if rows is None:
        chart.svg = svg.empty_svg(title, NOT_UPGRADED)
        return chart
    found = sorted(rows, key=lambda r: (-r["payments"], r["method"]))
    chart.rows = [[r["method"], f"{r['payments']:,}", percent(r["failure_rate"]), money(r["captured_cents"])]
                  for r in found]
    chart.marks = len(found)
    if not found:
        chart.svg = svg.empty_svg(title, "no payments yet")
        return chart
    chart.svg = svg.horizontal_bars(title, [
        (r["method"], r["payments"], METHOD_COLOUR, f"{r['method']}: {r['payments']:,} attempts")
        for r in found], lambda v: f"{int(v):,}", label_width=130)
    return chart
