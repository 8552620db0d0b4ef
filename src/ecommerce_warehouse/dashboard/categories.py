"""Each category's share of a month's revenue (at most 8 categories plus Other); months that
the period or the data do not cover whole are marked partial."""

from __future__ import annotations

from ecommerce_warehouse.dashboard.ui import Drill, Section, Ui, drill_rows
from ecommerce_warehouse.read.figures import Filters, Reader, category_mix, percent


def load(reader: Reader, filters: Filters) -> dict:
    (bounds,) = reader.rows("dashboard/date_range", {})
    rows = reader.rows("dashboard/category_monthly", filters.params())
    if not rows:
        return {"rows": [], "partial": {}, "months": []}
    return category_mix(rows, filters, bounds["first_day"], bounds["last_day"])


def render(ui: Ui, mix: dict) -> None:
    import altair as alt

    rows = mix["rows"]
    if not rows:
        ui.st.info("No completed sales in this period.")
        return
    table = [{**row, "share %": round((row["share"] or 0) * 100, 1), "shown": ui.money(row["net_revenue_cents"]),
              "cell": f"{row['sales_month']} {row['category']}"} for row in rows]
    pick = alt.selection_point(fields=["cell"], name="cell")
    chart = alt.Chart(alt.Data(values=table)).mark_bar().encode(
        x=alt.X("share %:Q", stack="normalize", title="share of the month's net revenue"),
        y=alt.Y("month_label:N", title=None, sort=None),
        color=alt.Color("category:N", legend=alt.Legend(orient="bottom", columns=3, title=None)),
        tooltip=[alt.Tooltip("month_label:N", title="month"), alt.Tooltip("category:N"),
                 alt.Tooltip("share %:Q"), alt.Tooltip("shown:N", title="net revenue")],
    ).add_params(pick).properties(height=alt.Step(40))
    clicked = ui.chart("categories", chart)
    if mix["partial"]:
        ui.st.caption("Partial months, marked with a star: "
                      + "; ".join(f"{month} ({why})" for month, why in mix["partial"].items()))
    ui.drill("categories", [
        Drill(f"{row['month_label']} · {row['category']} · {percent(row['share'])}", row["cell"],
              drill_rows(ui.reader, "dashboard/drill_category_month",
                         {**ui.filters.params(), "month": row["sales_month"], "categories": row["categories"]}))
        for row in table], clicked, "cell")


SECTION = Section("categories", "Category mix by month", load, render,
                  caption="The category is the product's current one (SCD1); at most 8 categories, "
                          "the rest as Other.")
