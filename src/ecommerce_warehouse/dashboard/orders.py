"""The change events' page: orders by status day by day, delivery lead times, payment methods.

An order's status is the order's, not a line's, so the categories do not cut them; the
dates do (the snapshot's day; the day an order was placed; the day a payment was made).
"""

from __future__ import annotations

from ecommerce_warehouse.dashboard.ui import Section, Ui
from ecommerce_warehouse.read.figures import Filters, Reader

STATUSES = ("placed", "paid", "shipped", "delivered", "cancelled", "refunded")


def load_status(reader: Reader, filters: Filters) -> list[dict]:
    return reader.rows("dashboard/order_status_daily", filters.params())


def render_status(ui: Ui, rows: list[dict]) -> None:
    import altair as alt

    if not rows:
        ui.st.info("No order lifecycle in this period: load change events (changes files) with "
                   "`warehouse run`.")
        return
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("day:O", title=None), y=alt.Y("orders:Q", title="orders at the end of the day"),
        color=alt.Color("status:N", sort=list(STATUSES), title="status"),
        order=alt.Order("status:N"),
        tooltip=[alt.Tooltip("day:N"), alt.Tooltip("status:N"), alt.Tooltip("orders:Q")],
    )
    ui.st.altair_chart(chart, key="order_status_chart", width="stretch")
    last = rows[-1]["day"]
    ui.st.dataframe([{"status": row["status"], "orders": row["orders"]} for row in rows if row["day"] == last],
                    hide_index=True, width="stretch")
    ui.st.caption(f"At the end of {last}.")


def load_lead_times(reader: Reader, filters: Filters) -> list[dict]:
    return reader.rows("dashboard/lead_times", filters.params())


def render_lead_times(ui: Ui, rows: list[dict]) -> None:
    import altair as alt

    if not rows:
        ui.st.info("No order placed in this period has been delivered yet.")
        return
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(color="#b7791f").encode(
        x=alt.X("p50_hours:Q", title="median hours, placed to delivered"),
        y=alt.Y("carrier:N", sort="x", title=None),
        tooltip=[alt.Tooltip("carrier:N"), alt.Tooltip("orders:Q"), alt.Tooltip("p50_hours:Q", format=".1f"),
                 alt.Tooltip("p90_hours:Q", format=".1f")],
    ).properties(height=alt.Step(28))
    ui.st.altair_chart(chart, key="lead_times_chart", width="stretch")
    ui.st.dataframe([{"carrier": r["carrier"], "orders": r["orders"], "median hours": round(r["p50_hours"], 1),
                      "90th percentile hours": round(r["p90_hours"], 1)} for r in rows],
                    hide_index=True, width="stretch")


def load_payments(reader: Reader, filters: Filters) -> list[dict]:
    return reader.rows("dashboard/payment_methods", filters.params())


def render_payments(ui: Ui, rows: list[dict]) -> None:
    import altair as alt

    if not rows:
        ui.st.info("No payment in this period.")
        return
    table = [{"method": r["method"], "attempts": r["payments"],
              "failed": f"{r['failed'] / r['payments'] * 100:.1f}%",
              "captured": ui.money(r["captured_cents"])} for r in rows]
    chart = alt.Chart(alt.Data(values=table)).mark_bar(color="#2b6cb0").encode(
        x=alt.X("attempts:Q", title="payment attempts"), y=alt.Y("method:N", sort="-x", title=None),
        tooltip=[alt.Tooltip("method:N"), alt.Tooltip("attempts:Q"), alt.Tooltip("failed:N"),
                 alt.Tooltip("captured:N")],
    ).properties(height=alt.Step(28))
    ui.st.altair_chart(chart, key="payment_methods_chart", width="stretch")
    ui.st.dataframe(table, hide_index=True, width="stretch")


STATUS = Section("order_status", "Orders by status", load_status, render_status,
                 caption="The periodic snapshot: orders in each status at the end of each day.")
LEAD_TIMES = Section("lead_times", "Delivery lead times", load_lead_times, render_lead_times,
                     caption="Orders placed in the period and delivered: hours from placed to delivered "
                             "by carrier (nearest-rank median and 90th percentile).")
PAYMENTS = Section("payment_methods", "Payment methods", load_payments, render_payments,
                   caption="Payment attempts made in the period (a failed attempt and its retry count "
                           "twice) and the money captured and kept.")
