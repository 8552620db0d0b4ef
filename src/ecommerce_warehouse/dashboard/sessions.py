"""The page views' page: the purchase funnel and the channels, for the period.

Sessions are no order lines, so the categories do not cut them; the dates do (the day a
session started). Each bar drills down to the sessions behind it.
"""

from __future__ import annotations

from ecommerce_warehouse.dashboard.ui import Drill, Section, Ui, drill_rows
from ecommerce_warehouse.read.figures import Filters, Reader

STEP_TITLES = {"session": "sessions", "product_view": "viewed a product", "cart": "reached the cart",
               "checkout": "reached checkout", "purchase": "purchased"}


def load_funnel(reader: Reader, filters: Filters) -> list[dict]:
    return reader.rows("dashboard/funnel", filters.params())


def render_funnel(ui: Ui, rows: list[dict]) -> None:
    import altair as alt

    if not rows:
        ui.st.info("No session in this period: load page views (events files) with `warehouse run`.")
        return
    first = rows[0]["sessions"] or 1
    table = [{**row, "name": STEP_TITLES.get(row["step"], row["step"]),
              "from start": f"{row['sessions'] / first * 100:.1f}%"} for row in rows]
    pick = alt.selection_point(fields=["step_number"], name="step")
    chart = alt.Chart(alt.Data(values=table)).mark_bar(color="#6b46c1").encode(
        x=alt.X("sessions:Q", title="sessions"), y=alt.Y("name:N", sort=None, title=None),
        tooltip=[alt.Tooltip("name:N", title="step"), alt.Tooltip("sessions:Q"),
                 alt.Tooltip("from start:N")],
    ).add_params(pick).properties(height=alt.Step(30))
    clicked = ui.chart("funnel", chart)
    ui.drill("funnel", [Drill(f"{row['name']} · {row['sessions']:,} sessions", row["step_number"],
                              drill_rows(ui.reader, "dashboard/drill_funnel_step",
                                         {**ui.filters.params(), "step_number": row["step_number"]}))
                        for row in table], clicked, "step_number")


def load_channels(reader: Reader, filters: Filters) -> list[dict]:
    return reader.rows("dashboard/channels", filters.params())


def render_channels(ui: Ui, rows: list[dict]) -> None:
    import altair as alt

    if not rows:
        ui.st.info("No session in this period.")
        return
    table = [{**row, "bounce rate": f"{row['bounces'] / row['sessions'] * 100:.1f}%",
              "conversion": f"{row['purchases'] / row['sessions'] * 100:.1f}%",
              "revenue": ui.money(row["revenue_cents"])} for row in rows]
    pick = alt.selection_point(fields=["channel"], name="channel")
    chart = alt.Chart(alt.Data(values=table)).mark_bar(color="#2c7a7b").encode(
        x=alt.X("sessions:Q", title="sessions"), y=alt.Y("channel:N", sort="-x", title=None),
        tooltip=[alt.Tooltip("channel:N"), alt.Tooltip("sessions:Q"), alt.Tooltip("bounce rate:N"),
                 alt.Tooltip("conversion:N"), alt.Tooltip("revenue:N")],
    ).add_params(pick).properties(height=alt.Step(28))
    clicked = ui.chart("channels", chart)
    ui.st.dataframe([{key: row[key] for key in ("channel", "sessions", "bounce rate", "conversion", "revenue")}
                     for row in table], hide_index=True, width="stretch")
    ui.drill("channels", [Drill(f"{row['channel']} · {row['sessions']:,} sessions", row["channel"],
                                drill_rows(ui.reader, "dashboard/drill_channel",
                                           {**ui.filters.params(), "channel": row["channel"]}))
                          for row in table], clicked, "channel")


FUNNEL = Section("funnel", "Purchase funnel", load_funnel, render_funnel,
                 caption="Sessions reaching each step, each after the one before; robots left out.")
CHANNELS = Section("channels", "Channels", load_channels, render_channels,
                   caption="Sessions by the channel of their first page view, and their orders' revenue.")
