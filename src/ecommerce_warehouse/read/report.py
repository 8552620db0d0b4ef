"""``warehouse report``: one self-contained HTML file with charts from the Gold views.

Eight charts, each an inline SVG (drawn with read/svg.py) with its numbers in a table
beside it: daily net revenue, the top 10 products, category share by month, the cohort
retention heatmap, the order status mix, the purchase funnel and the channels (page views:
read/report_clickstream.py) and rejects by input kind and reason. The file holds no script,
no font and no link to anything outside it: it opens offline, in any browser, and can
be mailed or printed as it is. Here: reading the Gold views, the charts and the page.

Every data mark (a bar, a segment, a heatmap cell) is a ``<rect class="mark">``, one per
row of the table beside it, which is what tests/test_report.py counts in the rendered page.
The warehouse is read through ``db.open_read_only``: the report never writes to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, literal_column, select, table
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse.db import open_read_only, query_sql, redacted
from ecommerce_warehouse.errors import DatabaseError, OutputError
from ecommerce_warehouse.model.schema import check_readable
from ecommerce_warehouse.read import report_clickstream, svg
from ecommerce_warehouse.read.svg import esc

DEFAULT_OUT = "data/warehouse/report.html"
GOLD_VIEWS = ("gold_daily_sales", "gold_top_products", "gold_category_sales_monthly",
              "gold_monthly_cohort_retention", "gold_order_status")
TOP_PRODUCTS = 10

# One colour family per chart, so a test can tell from a screenshot that each one drew.
DAILY_COLOUR = "#2b6cb0"
TOP_COLOUR = "#2f855a"
CATEGORY_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a",
                    "#637939", "#8c6d31", "#843c39", "#7b4173")
STATUS_COLOURS = {"completed": "#0f766e", "cancelled": "#b7791f", "refunded": "#c53030"}
STATUS_OTHER = "#4a5568"
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
            for name in GOLD_VIEWS + report_clickstream.VIEWS:
                if name not in present:         # page views' views: a warehouse not upgraded yet
                    data[name] = None
                    continue
                query = select(literal_column("*")).select_from(table(name))
                data[name] = [dict(row) for row in connection.execute(query).mappings()]
            data["rejects"] = [dict(row) for row in
                               query_sql(connection, "status/rejects_by_reason").mappings()]
            return data
    except DBAPIError as exc:
        detail = " ".join(str(exc.orig).split()) if exc.orig is not None else str(exc)
        raise DatabaseError(f"cannot read {redacted(db)}: {detail}") from exc
    finally:
        engine.dispose()


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


# --- the charts -----------------------------------------------------------------------------------

def daily_revenue_chart(rows: list[dict]) -> Chart:
    rows = sorted(rows, key=lambda r: r["sales_date"])
    title = "Daily net revenue"
    chart = Chart("daily-net-revenue", title, "Revenue of completed lines per UTC day.", "",
                  ["date", "orders", "net revenue"], numeric=(1, 2))
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


def top_products_chart(rows: list[dict]) -> Chart:
    rows = sorted(rows, key=lambda r: (r["revenue_rank"], r["product_id"]))[:TOP_PRODUCTS]
    title = f"Top {TOP_PRODUCTS} products"
    chart = Chart("top-products", title, "Ranked by revenue of completed lines.", "",
                  ["rank", "product", "category", "net revenue"], numeric=(0, 3))
    chart.rows = [[str(r["revenue_rank"]), r["product_name"] or r["product_id"], r["category"] or "",
                   money(r["net_revenue_cents"])] for r in rows]
    chart.marks = len(rows)
    chart.svg = svg.horizontal_bars(title, [
        (r["product_name"] or r["product_id"], r["net_revenue_cents"] or 0, TOP_COLOUR,
         f"{r['product_name']}: {money(r['net_revenue_cents'])}") for r in rows], money)
    return chart


def category_share_chart(rows: list[dict]) -> Chart:
    months = sorted({r["month"] for r in rows})
    categories = sorted({r["category"] or "(none)" for r in rows})
    colour = {c: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, c in enumerate(categories)}
    rows = sorted(rows, key=lambda r: (r["month"], r["category"] or "(none)"))
    title = "Category share by month"
    chart = Chart("category-share", title,
                  "Each category's share of the month's net revenue (current category, SCD1).", "",
                  ["month", "category", "share", "net revenue"], numeric=(2, 3))
    chart.rows = [[r["month"], r["category"] or "(none)", percent(r["share_of_month"]),
                   money(r["net_revenue_cents"])] for r in rows]
    chart.marks = len(rows)
    if not rows:
        chart.svg = svg.empty_svg(title, "no sales yet")
        return chart
    left, top, bar_h, gap = 70, 8, 26, 10
    plot_w = svg.CHART_WIDTH - left - 12
    legend_top = top + len(months) * (bar_h + gap) + 6
    per_line = 3
    height = legend_top + math.ceil(len(categories) / per_line) * 18 + 6
    body = []
    for index, month in enumerate(months):
        y = top + index * (bar_h + gap)
        body.append(svg.text_at(left - 8, y + 17, month, "end"))
        x = left
        for row in (r for r in rows if r["month"] == month):
            width = plot_w * (row["share_of_month"] or 0)
            category = row["category"] or "(none)"
            body.append(svg.mark(x, y, width, bar_h, colour[category],
                                 f"{month} {category}: {percent(row['share_of_month'])}"))
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


def build_charts(data: dict[str, list[dict]]) -> list[Chart]:
    return [
        daily_revenue_chart(data["gold_daily_sales"]),
        top_products_chart(data["gold_top_products"]),
        category_share_chart(data["gold_category_sales_monthly"]),
        cohort_chart(data["gold_monthly_cohort_retention"]),
        status_chart(data["gold_order_status"]),
        report_clickstream.funnel_chart(Chart, data["gold_funnel_daily"], percent),
        report_clickstream.channel_chart(Chart, data["gold_channel_daily"], percent, money),
        rejects_chart(data["rejects"]),
    ]


# --- the page -----------------------------------------------------------------------------------

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; padding: 20px 28px; font: 14px/1.4 system-ui, sans-serif; color: #1a202c;
       background: #ffffff; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 2px 0; color: #4a5568; }
.summary { display: flex; gap: 28px; margin: 10px 0 4px; }
.summary div { font-size: 13px; color: #4a5568; }
.summary b { display: block; font-size: 18px; color: #1a202c; }
section.chart { margin-top: 22px; padding-top: 10px; border-top: 1px solid #e2e8f0; }
section.chart h2 { margin: 0; font-size: 17px; }
section.chart p.note { margin: 2px 0 8px; color: #718096; font-size: 13px; }
.body { display: flex; gap: 24px; align-items: flex-start; }
figure { margin: 0; flex: 0 0 auto; }
.numbers { flex: 1 1 auto; max-height: 300px; overflow: auto; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { padding: 2px 8px; border-bottom: 1px solid #edf2f7; text-align: left; white-space: nowrap; }
th { background: #f7fafc; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
footer { margin-top: 24px; color: #a0aec0; font-size: 12px; }
@media print { .numbers { max-height: none; overflow: visible; } }
"""


def numbers_table(chart: Chart) -> str:
    def cells(values, tag):
        return "".join(f'<{tag}{" class=num" if i in chart.numeric else ""}>{esc(v)}</{tag}>'
                       for i, v in enumerate(values))

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in chart.rows)
    if not chart.rows:
        body = f'<tr><td colspan="{len(chart.columns)}">none</td></tr>'
    return f"<table><thead><tr>{cells(chart.columns, 'th')}</tr></thead><tbody>{body}</tbody></table>"


def render_html(charts: list[Chart], data: dict[str, list[dict]], db: str, generated_at: str) -> str:
    daily = data["gold_daily_sales"]
    lines = sum(r["lines"] for r in data["gold_order_status"])
    first = min((r["sales_date"] for r in daily), default="–")
    last = max((r["sales_date"] for r in daily), default="–")
    summary = [
        ("order lines", f"{lines:,}"),
        ("days with sales", f"{len(daily):,}"),
        ("net revenue", money(sum(r["net_revenue_cents"] or 0 for r in daily))),
        ("rejected records", f"{sum(r['rejects'] for r in data['rejects']):,}"),
    ]
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Warehouse report</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        "<header><h1>Warehouse report</h1>",
        f"<p>{esc(db)} · sales from {esc(first)} to {esc(last)} · generated {esc(generated_at)} UTC</p>",
        '<div class="summary">' + "".join(f"<div><b>{esc(v)}</b>{esc(k)}</div>" for k, v in summary)
        + "</div></header>", "<main>",
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


def write_report(db: str, out: Path | str) -> Path:
    """Read the warehouse (read-only), draw the charts, write the HTML file; return its path."""
    data = read_warehouse(db)
    charts = build_charts(data)
    generated_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    page = render_html(charts, data, redacted(db), generated_at)
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        temporary = out.with_name(f".{out.name}.tmp")
        temporary.write_text(page, encoding="utf-8")
        temporary.replace(out)
    except OSError as exc:
        raise OutputError(f"cannot write the report to {out}: {exc.strerror or exc}") from exc
    return out
