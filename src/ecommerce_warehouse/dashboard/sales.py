"""Daily revenue with its 7-day moving average, and the top products, for the period."""

from __future__ import annotations

from datetime import timedelta

from ecommerce_warehouse.dashboard.ui import Drill, Section, Ui, drill_rows
from ecommerce_warehouse.read.figures import MOVING_DAYS, Filters, Reader, with_moving_average

TOP = 10


def load_daily(reader: Reader, filters: Filters) -> list[dict]:
    widened = Filters(filters.start - timedelta(days=MOVING_DAYS - 1), filters.end, filters.categories,
                      filters.first_day)
    return with_moving_average(reader.rows("dashboard/daily_revenue", widened.params()), filters)


def render_daily(ui: Ui, rows: list[dict]) -> None:
    import altair as alt

    if not any(row["net_revenue_cents"] for row in rows):
        ui.st.info("No completed sales in this period.")
        return
    table = [{**row, "net revenue": row["net_revenue_cents"] / 100,
              "7-day average": row["moving_average_cents"] / 100,
              "shown": ui.money(row["net_revenue_cents"])} for row in rows]
    pick = alt.selection_point(fields=["sales_date"], name="day")
    base = alt.Chart(alt.Data(values=table)).encode(x=alt.X("yearmonthdate(sales_date):T", title=None))
    bars = base.mark_bar(color="#2b6cb0", width=alt.RelativeBandSize(0.8)).encode(
        y=alt.Y("net revenue:Q", title=f"net revenue ({ui.currency})"),
        tooltip=[alt.Tooltip("sales_date:N", title="day"), alt.Tooltip("shown:N", title="net revenue"),
                 alt.Tooltip("orders:Q")]).add_params(pick)
    line = base.mark_line(color="#dd6b20", strokeWidth=2.5).encode(y="7-day average:Q")
    clicked = ui.chart("daily", (bars + line).properties(height=260))
    ui.st.caption(f"Bars: completed revenue per day; line: the average of the day and the "
                  f"{MOVING_DAYS - 1} before it.")
    ui.drill("daily", [Drill(f"{row['sales_date']} · {ui.money(row['net_revenue_cents'])}", row["sales_date"],
                             drill_rows(ui.reader, "dashboard/drill_day",
                                        {**ui.filters.params(), "day": row["sales_date"]}))
                       for row in rows if row["net_revenue_cents"]], clicked, "sales_date")


def load_top(reader: Reader, filters: Filters) -> list[dict]:
    return reader.rows("dashboard/top_products", {**filters.params(), "top": TOP})


def render_top(ui: Ui, rows: list[dict]) -> None:
    import altair as alt

    if not rows:
        ui.st.info("No product sold in this period.")
        return
    table = [{**row, "net revenue": row["net_revenue_cents"] / 100, "shown": ui.money(row["net_revenue_cents"]),
              "name": row["product_name"] or row["product_id"]} for row in rows]
    pick = alt.selection_point(fields=["product_id"], name="product")
    chart = alt.Chart(alt.Data(values=table)).mark_bar(color="#2f855a").encode(
        x=alt.X("net revenue:Q", title=f"net revenue ({ui.currency})"),
        y=alt.Y("name:N", sort=None, title=None),
        tooltip=[alt.Tooltip("name:N", title="product"), alt.Tooltip("category:N"),
                 alt.Tooltip("units:Q"), alt.Tooltip("shown:N", title="net revenue")],
    ).add_params(pick).properties(height=alt.Step(26))
    clicked = ui.chart("top", chart)
    ui.drill("top", [Drill(f"{row['name']} ({row['product_id']}) · {row['shown']}", row["product_id"],
                           drill_rows(ui.reader, "dashboard/drill_product",
                                      {**ui.filters.params(), "product_id": row["product_id"]}))
                     for row in table], clicked, "product_id")


DAILY = Section("daily", "Daily revenue", load_daily, render_daily)
TOP_PRODUCTS = Section("top", f"Top {TOP} products", load_top, render_top,
                       caption="Ranked by completed revenue in the period.")
