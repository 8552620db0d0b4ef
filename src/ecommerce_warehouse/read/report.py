"""``warehouse report``: one self-contained HTML file with charts from the Gold views.

Key figures of the last 7 days beside the 7 before (``figures.key_figures``, as the
dashboard counts them), then ten charts, each an inline SVG (drawn with read/svg.py) with
its numbers in a table beside it: daily net revenue, the top 10 products, category share
by month (at most 8 categories plus Other, partial months marked), the cohort retention
heatmap, the order status mix, the purchase funnel and the channels (page views:
read/report_clickstream.py), delivery lead times and payment methods (change events:
read/report_lifecycle.py) and rejects by input kind and reason. Amounts are in the shop's currency
(``--currency``). The file holds no script, no font and no link to anything outside it:
it opens offline, in any browser, reads on a phone (420 px) as on a screen, and can be
mailed or printed as it is. Here: reading the Gold views, the charts and the page.

Every data mark (a bar, a segment, a heatmap cell) is a ``<rect class="mark">``, one per
row of the table beside it, which is what tests/test_report.py counts in the rendered page.
The warehouse is read through ``db.open_read_only``: the report never writes to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import inspect, literal_column, select, table
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse.db import open_read_only, query_sql, redacted
from ecommerce_warehouse.errors import DatabaseError, OutputError
from ecommerce_warehouse.model.schema import check_readable
from ecommerce_warehouse.read import report_clickstream, report_lifecycle, svg
from ecommerce_warehouse.read.figures import Filters, Reader, category_mix, key_figures
from ecommerce_warehouse.read.svg import esc
from ecommerce_warehouse.settings import DEFAULT_CURRENCY

DEFAULT_OUT = "data/warehouse/report.html"
GOLD_VIEWS = ("gold_daily_sales", "gold_top_products", "gold_category_sales_monthly",
              "gold_monthly_cohort_retention", "gold_order_status", "gold_order_lines")
TOP_PRODUCTS = 10
COMPARED_DAYS = 7               # the key figures: the last 7 days of data beside the 7 before

# One colour family per chart, so a test can tell from a screenshot that each one drew.
DAILY_COLOUR = "#2b6cb0"
TOP_COLOUR = "#2f855a"
CATEGORY_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a",
                    "#637939", "#8c6d31", "#843c39", "#7b4173")
STATUS_COLOURS = {"completed": "#0f766e", "cancelled": "#b7791f", "refunded": "#c53030"}
STATUS_OTHER = "#4a5568"
OTHER = "Other"
OTHER_COLOUR = "#a0aec0"
REJECT_COLOUR = "#dd6b20"


@dataclass
class Chart:
    """One chart: its SVG, and the table of the numbers it draws (one row per mark)."""

    key: str
    title: str
    note: str
    svg: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    marks: int = 0
    numeric: tuple[int, ...] = ()        # indexes of right-aligned columns


# --- reading ------------------------------------------------------------------------------

def read_warehouse(db: str) -> dict[str, list[dict]]:
    """Every row of the Gold views the report draws, and the rejects by reason."""
    engine = open_read_only(db)
    try:
        with engine.connect() as connection:
            check_readable(connection)
            present = set(inspect(connection).get_view_names())
            missing = [name for name in GOLD_VIEWS if name not in present]
            if missing:
                raise DatabaseError(f"{redacted(db)} is not a warehouse: it has no "
                                    f"{', '.join(missing)} view (build one with `warehouse run`)")
            data = {}
            for name in GOLD_VIEWS + report_clickstream.VIEWS + report_lifecycle.VIEWS:
                if name not in present:         # a later kind's views: a warehouse not upgraded yet
                    data[name] = None
                    continue
                query = select(literal_column("*")).select_from(table(name))
                data[name] = [dict(row) for row in connection.execute(query).mappings()]
            data["rejects"] = [dict(row) for row in
                               query_sql(connection, "status/rejects_by_reason").mappings()]
    except DBAPIError as exc:
        detail = " ".join(str(exc.orig).split()) if exc.orig is not None else str(exc)
        raise DatabaseError(f"cannot read {redacted(db)}: {detail}") from exc
    finally:
        engine.dispose()
    data["figures"], data["bounds"] = read_figures(db)
    return data


def read_figures(db: str) -> tuple[dict | None, dict]:
    """The key figures of the last COMPARED_DAYS days with data beside the days before
    them, and the first and last day with data (None, {} for a warehouse without lines)."""
    reader = Reader(db)
    try:
        (bounds,) = reader.rows("dashboard/date_range", {})
        if not bounds["lines"]:
            return None, bounds
        last = date.fromisoformat(bounds["last_day"])
        period = Filters(last - timedelta(days=COMPARED_DAYS - 1), last)
        return {"period": period, "kpis": key_figures(reader, period)}, bounds
    finally:
        reader.close()


# --- numbers as text -------------------------------------------------------------------------

def money(cents) -> str:
    """Exact cents as 1,234.56 (integer arithmetic, no float rounding)."""
    cents = int(cents or 0)
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100:,}.{cents % 100:02d}"


def short_money(cents) -> str:
    """An axis label: 1.2M, 35k, 900."""
    value = (cents or 0) / 100
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"


def percent(share) -> str:
    return f"{(share or 0) * 100:.1f}%"


def in_currency(label: str, currency: str) -> str:
    return f"{label} ({currency})" if currency else label


# --- the charts -----------------------------------------------------------------------------------

def daily_revenue_chart(rows: list[dict], currency: str = "") -> Chart:
    rows = sorted(rows, key=lambda r: r["sales_date"])
    title = "Daily net revenue"
    chart = Chart("daily-net-revenue", title, "Revenue of completed lines per UTC day.", "",
                  ["date", "orders", in_currency("net revenue", currency)], numeric=(1, 2))
    chart.rows = [[r["sales_date"], f"{r['orders']:,}", money(r["net_revenue_cents"])] for r in rows]
    chart.marks = len(rows)
    if not rows:
        chart.svg = svg.empty_svg(title, "no sales yet")
        return chart
    width, height, left, bottom, top = svg.CHART_WIDTH, 280, 64, 36, 12
    plot_w, plot_h = width - left - 12, height - top - bottom
    largest = max(r["net_revenue_cents"] or 0 for r in rows)
    step_size = svg.axis_step(largest)
    steps = max(1, math.ceil(largest / step_size))
    ceiling = step_size * steps
    body = []
    for step in range(steps + 1):
        value = step_size * step
        y = top + plot_h - plot_h * step / steps
        body.append(f'<line x1="{left}" x2="{width - 12}" y1="{y:.1f}" y2="{y:.1f}" stroke="{svg.GRID}"/>')
        body.append(svg.text_at(left - 6, y + 4, short_money(value), "end", svg.MUTED))
    band = plot_w / len(rows)
    every = max(1, math.ceil(len(rows) / 10))
    for index, row in enumerate(rows):
        value = row["net_revenue_cents"] or 0
        bar_h = plot_h * value / ceiling
        x = left + index * band + band * 0.1
        body.append(svg.mark(x, top + plot_h - bar_h, band * 0.8, bar_h, DAILY_COLOUR,
                             f"{row['sales_date']}: {money(value)}"))
        if index % every == 0:
            body.append(svg.text_at(x + band * 0.4, height - bottom + 16, row["sales_date"][5:], "middle",
                                    svg.MUTED))
    chart.svg = svg.svg(width, height, title, body)
    return chart


def top_products_chart(rows: list[dict], currency: str = "") -> Chart:
    rows = sorted(rows, key=lambda r: (r["revenue_rank"], r["product_id"]))[:TOP_PRODUCTS]
    title = f"Top {TOP_PRODUCTS} products"
    chart = Chart("top-products", title, "Ranked by revenue of completed lines.", "",
                  ["rank", "product", "category", in_currency("net revenue", currency)], numeric=(0, 3))
    chart.rows = [[str(r["revenue_rank"]), r["product_name"] or r["product_id"], r["category"] or "",
                   money(r["net_revenue_cents"])] for r in rows]
    chart.marks = len(rows)
    chart.svg = svg.horizontal_bars(title, [
        (r["product_name"] or r["product_id"], r["net_revenue_cents"] or 0, TOP_COLOUR,
         f"{r['product_name']}: {money(r['net_revenue_cents'])}") for r in rows], money)
    return chart


def category_share_chart(rows: list[dict], bounds: dict, currency: str = "") -> Chart:
    """Each category's share of its month: at most 8 categories plus Other, a month the
    data do not cover whole marked with a star (and said in the note)."""
    title = "Category share by month"
    note = ("Each category's share of the month's net revenue (current category, SCD1); at most "
            "8 categories, the rest as Other.")
    mix = {"rows": [], "partial": {}, "months": []}
    if rows and bounds.get("first_day"):
        whole = Filters(date.fromisoformat(bounds["first_day"]), date.fromisoformat(bounds["last_day"]))
        mix = category_mix([{**r, "sales_month": r["month"], "category": r["category"] or "(none)"}
                            for r in rows], whole, bounds["first_day"], bounds["last_day"])
    if mix["partial"]:
        note += " * partial month: " + "; ".join(f"{m} ({why})" for m, why in mix["partial"].items()) + "."
    chart = Chart("category-share", title, note, "",
                  ["month", "category", "share", in_currency("net revenue", currency)], numeric=(2, 3))
    shown = mix["rows"]
    months = [f"{m}*" if m in mix["partial"] else m for m in mix["months"]]
    categories = sorted({r["category"] for r in shown}, key=lambda c: (c == OTHER, c))
    colour = {c: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, c in enumerate(categories)}
    colour[OTHER] = OTHER_COLOUR
    chart.rows = [[r["month_label"], r["category"], percent(r["share"]), money(r["net_revenue_cents"])]
                  for r in shown]
    chart.marks = len(shown)
    if not shown:
        chart.svg = svg.empty_svg(title, "no sales yet")
        return chart
    left, top, bar_h, gap = 70, 8, 26, 10
    plot_w = svg.CHART_WIDTH - left - 12
    legend_top = top + len(months) * (bar_h + gap) + 6
    per_line = 3
    height = legend_top + math.ceil(len(categories) / per_line) * 18 + 6
    body = []
    for index, month in enumerate(mix["months"]):
        y = top + index * (bar_h + gap)
        body.append(svg.text_at(left - 8, y + 17, months[index], "end"))
        x = left
        for row in (r for r in shown if r["sales_month"] == month):
            width = plot_w * (row["share"] or 0)
            body.append(svg.mark(x, y, width, bar_h, colour[row["category"]],
                                 f"{row['month_label']} {row['category']}: {percent(row['share'])}"))
            x += width
    for index, category in enumerate(categories):
        x = left + (index % per_line) * (plot_w / per_line)
        y = legend_top + (index // per_line) * 18
        body.append(f'<rect class="legend" x="{x:.1f}" y="{y:.1f}" width="10" height="10" '
                    f'fill="{colour[category]}"/>')
        body.append(svg.text_at(x + 14, y + 9, svg.shorten(category, 24)))
    chart.svg = svg.svg(svg.CHART_WIDTH, height, title, body)
    return chart


def cohort_chart(rows: list[dict]) -> Chart:
    rows = sorted(rows, key=lambda r: (r["cohort_month"], r["months_since_first"]))
    title = "Cohort retention"
    chart = Chart("cohort-retention", title,
                  "Share of each monthly cohort (first completed order) buying again N months later.",
                  "", ["cohort", "months after", "cohort size", "active", "retention"],
                  numeric=(1, 2, 3, 4))
    chart.rows = [[r["cohort_month"], str(r["months_since_first"]), f"{r['cohort_size']:,}",
                   f"{r['active_customers']:,}", percent(r["retention_rate"])] for r in rows]
    chart.marks = len(rows)
    if not rows:
        chart.svg = svg.empty_svg(title, "no known customers yet")
        return chart
    cohorts = sorted({r["cohort_month"] for r in rows})
    span = max(r["months_since_first"] for r in rows) + 1
    left, top, cell_h = 70, 26, 30
    cell_w = min(80, (svg.CHART_WIDTH - left - 12) / span)
    height = top + len(cohorts) * cell_h + 10
    body = [svg.text_at(left + cell_w * m + cell_w / 2, top - 8, f"+{m}", "middle", svg.MUTED)
            for m in range(span)]
    for row in rows:
        x = left + cell_w * row["months_since_first"]
        y = top + cohorts.index(row["cohort_month"]) * cell_h
        rate = row["retention_rate"] or 0
        body.append(svg.mark(x + 1, y + 1, cell_w - 2, cell_h - 2, svg.heat_colour(rate),
                             f"{row['cohort_month']} +{row['months_since_first']}: {percent(rate)}"))
        body.append(svg.text_at(x + cell_w / 2, y + cell_h / 2 + 4, f"{rate * 100:.0f}%", "middle",
                                "#ffffff" if rate > 0.5 else svg.INK))
    for index, cohort in enumerate(cohorts):
        body.append(svg.text_at(left - 8, top + index * cell_h + cell_h / 2 + 4, cohort, "end"))
    chart.svg = svg.svg(svg.CHART_WIDTH, height, title, body)
    return chart


def status_chart(rows: list[dict]) -> Chart:
    order = list(STATUS_COLOURS)
    rows = sorted(rows, key=lambda r: (order.index(r["status"]) if r["status"] in order else 9,
                                       r["status"]))
    title = "Order status mix"
    chart = Chart("order-status", title, "Share of order lines by status.", "",
                  ["status", "lines", "share", "gross revenue"], numeric=(1, 2, 3))
    chart.rows = [[r["status"], f"{r['lines']:,}", percent(r["share_of_lines"]),
                   money(r["gross_revenue_cents"])] for r in rows]
    chart.marks = len(rows)
    chart.svg = svg.horizontal_bars(title, [
        (r["status"], r["share_of_lines"] or 0, STATUS_COLOURS.get(r["status"], STATUS_OTHER),
         f"{r['status']}: {percent(r['share_of_lines'])}") for r in rows], percent, label_width=110)
    return chart


def rejects_chart(rows: list[dict]) -> Chart:
    title = "Rejects by reason"
    chart = Chart("rejects", title,
                  "Records quarantined in rejected_records, by input kind and reason code.",
                  "", ["kind", "reason", "rejects", "example"], numeric=(2,))
    chart.rows = [[r["source"], r["reason_code"], f"{r['rejects']:,}", svg.shorten(r["example_message"], 60)]
                  for r in rows]
    chart.marks = len(rows)
    if not rows:
        chart.svg = svg.empty_svg(title, "no rejected records")
        return chart
    chart.svg = svg.horizontal_bars(title, [
        (f"{r['source']} {r['reason_code']}", r["rejects"], REJECT_COLOUR,
         f"{r['source']} {r['reason_code']}: {r['rejects']:,}")
        for r in rows], lambda v: f"{int(v):,}", label_width=210)
    return chart


def build_charts(data: dict, currency: str = "") -> list[Chart]:
    return [
        daily_revenue_chart(data["gold_daily_sales"], currency),
        top_products_chart(data["gold_top_products"], currency),
        category_share_chart(data["gold_category_sales_monthly"], data.get("bounds") or {}, currency),
        cohort_chart(data["gold_monthly_cohort_retention"]),
        status_chart(data["gold_order_status"]),
        report_clickstream.funnel_chart(Chart, data["gold_funnel_daily"], percent),
        report_clickstream.channel_chart(Chart, data["gold_channel_daily"], percent, money,
                                         lambda label: in_currency(label, currency)),
        report_lifecycle.lead_time_chart(Chart, data["gold_fulfilment_lead_times"]),
        report_lifecycle.payment_chart(Chart, data["gold_payment_methods"], percent, money,
                                       lambda label: in_currency(label, currency)),
        rejects_chart(data["rejects"]),
    ]


# --- the page -----------------------------------------------------------------------------------

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; padding: 20px 28px; font: 14px/1.4 system-ui, sans-serif; color: #1a202c;
       background: #ffffff; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 2px 0; color: #4a5568; overflow-wrap: anywhere; }
.summary { display: flex; flex-wrap: wrap; gap: 12px 28px; margin: 10px 0 4px; }
.summary div { font-size: 13px; color: #4a5568; }
.summary b { display: block; font-size: 18px; color: #1a202c; }
.figures { margin-top: 14px; }
.figures h2 { margin: 0 0 4px; font-size: 17px; }
section.chart { margin-top: 22px; padding-top: 10px; border-top: 1px solid #e2e8f0; }
section.chart h2 { margin: 0; font-size: 17px; }
p.note { margin: 2px 0 8px; color: #718096; font-size: 13px; }
.body { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 0; flex: 0 1 600px; max-width: 100%; min-width: 0; }
figure svg { max-width: 100%; height: auto; display: block; }
.numbers { flex: 1 1 320px; min-width: 0; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { padding: 2px 8px; border-bottom: 1px solid #edf2f7; text-align: left;
         overflow-wrap: anywhere; }
th { background: #f7fafc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.up { color: #2f855a; } td.down { color: #c53030; }
footer { margin-top: 24px; color: #a0aec0; font-size: 12px; }
@media (max-width: 600px) {
  body { padding: 12px; font-size: 13px; }
  th, td { padding: 2px 4px; }
  .summary b { font-size: 16px; }
}
"""


def numbers_table(chart: Chart) -> str:
    def cells(values, tag):
        return "".join(f'<{tag}{" class=num" if i in chart.numeric else ""}>{esc(v)}</{tag}>'
                       for i, v in enumerate(values))

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in chart.rows)
    if not chart.rows:
        body = f'<tr><td colspan="{len(chart.columns)}">none</td></tr>'
    return f"<table><thead><tr>{cells(chart.columns, 'th')}</tr></thead><tbody>{body}</tbody></table>"


def figures_table(figures: dict | None, currency: str) -> str:
    """The key figures of the last days beside the days before them (a table: no chart)."""
    if figures is None:
        return ""
    period: Filters = figures["period"]
    before = period.previous()
    rows = []
    for kpi in figures["kpis"]:
        label = in_currency(kpi.label, currency) if kpi.kind == "money" else kpi.label
        change = kpi.shown_change() or "–"
        better = (kpi.change or 0) * (-1 if kpi.label == "Refund rate" else 1)
        trend = " up" if better > 0 else " down" if better < 0 else ""
        rows.append(f"<tr><td>{esc(label)}</td><td class=num>{esc(kpi.shown(kpi.now))}</td>"
                    f"<td class=num>{esc(kpi.shown(kpi.before))}</td>"
                    f'<td class="num{trend}">{esc(change)}</td></tr>')
    head = (f"<tr><th>key figure</th><th class=num>last {period.days} days</th>"
            f"<th class=num>{before.days} days before</th><th class=num>change</th></tr>")
    return (f'<section class="figures" id="key-figures"><h2>The last {period.days} days, beside the '
            f"{before.days} before</h2><p class=\"note\">{esc(period.describe())}, beside "
            f"{esc(before.describe())}; counted from the order lines as the dashboard counts them: "
            "customers are known customers, a repeat customer has two or more completed orders in "
            "the period, the refund rate is per order line.</p>"
            f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></section>")


def render_html(charts: list[Chart], data: dict, db: str, generated_at: str, currency: str = "") -> str:
    daily = data["gold_daily_sales"]
    lines = sum(r["lines"] for r in data["gold_order_status"])
    first = min((r["sales_date"] for r in daily), default="–")
    last = max((r["sales_date"] for r in daily), default="–")
    summary = [
        ("order lines", f"{lines:,}"),
        ("days with sales", f"{len(daily):,}"),
        (in_currency("net revenue", currency), money(sum(r["net_revenue_cents"] or 0 for r in daily))),
        ("rejected records", f"{sum(r['rejects'] for r in data['rejects']):,}"),
    ]
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Warehouse report</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        "<header><h1>Warehouse report</h1>",
        (f"<p>{esc(db)} · sales from {esc(first)} to {esc(last)} · amounts in {esc(currency)} "
        f"· generated {esc(generated_at)} UTC</p>"),
        '<div class="summary">' + "".join(f"<div><b>{esc(v)}</b>{esc(k)}</div>" for k, v in summary)
        + "</div>" + figures_table(data.get("figures"), currency) + "</header>", "<main>",
    ]
    for chart in charts:
        parts.append(
            f'<section class="chart" id="{chart.key}" data-marks="{chart.marks}">'
            f"<h2>{esc(chart.title)}</h2><p class=\"note\">{esc(chart.note)}</p>"
            f'<div class="body"><figure>{chart.svg}</figure>'
            f'<div class="numbers">{numbers_table(chart)}</div></div></section>'
        )
    parts += ["</main>",
              ("<footer>Money in exact cents from the Gold views; made by "
               "<code>warehouse report</code>.</footer>"),
              "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def write_report(db: str, out: Path | str, currency: str = DEFAULT_CURRENCY) -> Path:
    """Read the warehouse (read-only), draw the charts, write the HTML file; return its path."""
    data = read_warehouse(db)
    charts = build_charts(data, currency)
    generated_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    page = render_html(charts, data, redacted(db), generated_at, currency)
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        temporary = out.with_name(f".{out.name}.tmp")
        temporary.write_text(page, encoding="utf-8")
        temporary.replace(out)
    except OSError as exc:
        raise OutputError(f"cannot write the report to {out}: {exc.strerror or exc}") from exc
    return out
