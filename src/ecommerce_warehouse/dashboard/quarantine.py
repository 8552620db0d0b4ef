"""The quarantine: rejected records by reason code, over every load (not cut by the period)."""

from __future__ import annotations

from ecommerce_warehouse.dashboard.ui import Drill, Section, Ui, drill_rows
from ecommerce_warehouse.read.figures import Filters, Reader


def load(reader: Reader, filters: Filters) -> list[dict]:
    return reader.rows("status/rejects_by_reason", {})


def render(ui: Ui, rows: list[dict]) -> None:
    import altair as alt

    if not rows:
        ui.st.success("No rejected record: every record loaded was valid.")
        return
    table = [{**row, "reason": row["reason_code"]} for row in rows]
    pick = alt.selection_point(fields=["reason"], name="reason")
    chart = alt.Chart(alt.Data(values=table)).mark_bar(color="#dd6b20").encode(
        x=alt.X("rejects:Q", title="records"), y=alt.Y("reason:N", sort="-x", title=None),
        tooltip=[alt.Tooltip("source:N", title="input kind"), alt.Tooltip("reason:N"),
                 alt.Tooltip("rejects:Q"), alt.Tooltip("example_message:N", title="e.g.")],
    ).add_params(pick).properties(height=alt.Step(26))
    clicked = ui.chart("rejects", chart)
    ui.drill("rejects", [Drill(f"{row['reason_code']} ({row['source']}) · {row['rejects']:,}", row["reason_code"],
                               drill_rows(ui.reader, "dashboard/drill_reason", {"reason_code": row["reason_code"]}))
                         for row in rows], clicked, "reason")


SECTION = Section("rejects", "Rejects by reason", load, render,
                  caption="Every record the quarantine holds (`warehouse rejects` lists them too).")
