"""Monthly cohorts of customers (by first completed order) and the share that buys again N
months later; hidden, with a note, when the warehouse has fewer than 3 cohorts."""

from __future__ import annotations

from ecommerce_warehouse.dashboard.ui import Drill, Section, Ui, drill_rows
from ecommerce_warehouse.read.figures import Filters, Reader, percent, shift_month

MIN_COHORTS = 3


def load(reader: Reader, filters: Filters) -> list[dict]:
    return reader.rows("dashboard/cohort_retention", {})


def render(ui: Ui, rows: list[dict]) -> None:
    import altair as alt

    cohorts = sorted({row["cohort_month"] for row in rows})
    if len(cohorts) < MIN_COHORTS:
        ui.st.info(f"Cohort retention needs at least {MIN_COHORTS} monthly cohorts to say anything; this "
                   f"warehouse has {len(cohorts)}" + (f" ({', '.join(cohorts)})" if cohorts else "")
                   + ". Load more months to see it.")
        return
    table = [{**row, "retention %": round((row["retention_rate"] or 0) * 100),
              "month": f"+{row['months_since_first']}", "cell": f"{row['cohort_month']} +{row['months_since_first']}"}
             for row in rows]
    pick = alt.selection_point(fields=["cell"], name="cohort")
    base = alt.Chart(alt.Data(values=table)).encode(
        x=alt.X("month:O", title="months after the first order", sort=None),
        y=alt.Y("cohort_month:O", title="cohort"))
    cells = base.mark_rect().encode(
        color=alt.Color("retention %:Q", scale=alt.Scale(scheme="purples"), legend=None),
        tooltip=[alt.Tooltip("cohort_month:N", title="cohort"), alt.Tooltip("month:N", title="months after"),
                 alt.Tooltip("cohort_size:Q", title="cohort size"),
                 alt.Tooltip("active_customers:Q", title="active"), alt.Tooltip("retention %:Q")],
    ).add_params(pick)
    labels = base.mark_text(baseline="middle").encode(text=alt.Text("retention %:Q", format="d"))
    clicked = ui.chart("cohorts", (cells + labels).properties(height=alt.Step(34)))
    ui.st.caption("Cohorts cover the whole history, whatever the period and categories chosen.")
    ui.drill("cohorts", [
        Drill(f"{row['cell']} · {percent(row['retention_rate'])} of {row['cohort_size']:,}", row["cell"],
              drill_rows(ui.reader, "dashboard/drill_cohort",
                         {"cohort": row["cohort_month"],
                          "month": shift_month(row["cohort_month"], row["months_since_first"])}))
        for row in table], clicked, "cell")


SECTION = Section("cohorts", "Cohort retention", load, render)
