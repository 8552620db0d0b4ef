"""The report's clickstream charts: the purchase funnel and the channels (read/report.py).

Both are drawn from the Gold views of page views, summed over every day the warehouse
holds: ``gold_funnel_daily`` (sessions reaching each step) and ``gold_channel_daily``
(sessions, bounces, purchases and revenue by channel). A warehouse made before page
views existed has neither view until a loading command upgrades it: the charts then say
so instead of failing the report.
"""

from __future__ import annotations

from ecommerce_warehouse.read import svg

VIEWS = ("gold_funnel_daily", "gold_channel_daily")
FUNNEL_COLOUR = "#6b46c1"
CHANNEL_COLOUR = "#2c7a7b"
STEP_TITLES = {"session": "sessions", "product_view": "viewed a product", "cart": "reached the cart",
               "checkout": "reached checkout", "purchase": "purchased"}


def funnel_steps(rows: list[dict]) -> list[dict]:
    """gold_funnel_daily summed over the days: one row per step, in funnel order."""
    steps: dict[int, dict] = {}
    for row in rows:
        step = steps.setdefault(row["step_number"], {"step_number": row["step_number"], "step": row["step"],
                                                     "sessions": 0})
        step["sessions"] += row["sessions"]
    ordered = [steps[number] for number in sorted(steps)]
    first = ordered[0]["sessions"] if ordered else 0
    for previous, step in zip([None, *ordered], ordered):
        before = previous["sessions"] if previous else None
        step["step_conversion"] = step["sessions"] / before if before else None
        step["from_start"] = step["sessions"] / first if first else None
    return ordered


def channel_totals(rows: list[dict]) -> list[dict]:
    """gold_channel_daily summed over the days: one row per channel, most sessions first."""
    channels: dict[str, dict] = {}
    for row in rows:
        total = channels.setdefault(row["channel"], {"channel": row["channel"], "sessions": 0, "bounces": 0,
                                                     "purchases": 0, "revenue_cents": 0})
        for key in ("sessions", "bounces", "purchases", "revenue_cents"):
            total[key] += row[key] or 0
    return sorted(channels.values(), key=lambda r: (-r["sessions"], r["channel"]))


def funnel_chart(chart_type, rows: list[dict] | None, percent) -> object:
    """The funnel: sessions reaching each step, summed over the days (``chart_type``: report.Chart)."""
    title = "Purchase funnel"
    chart = chart_type("funnel", title,
                       "Sessions reaching each step, each after the one before (all days; robots left out).",
                       "", ["step", "sessions", "from the step before", "from the start"], numeric=(1, 2, 3))
    if rows is None:
        chart.svg = svg.empty_svg(title, "no page views in this warehouse (run a loading command to upgrade it)")
        return chart
    steps = funnel_steps(rows)
    chart.rows = [[STEP_TITLES.get(s["step"], s["step"]), f"{s['sessions']:,}",
                   "" if s["step_conversion"] is None else percent(s["step_conversion"]),
                   percent(s["from_start"])] for s in steps]
    chart.marks = len(steps)
    if not steps:
        chart.svg = svg.empty_svg(title, "no sessions yet")
        return chart
    chart.svg = svg.horizontal_bars(title, [
        (STEP_TITLES.get(s["step"], s["step"]), s["sessions"], FUNNEL_COLOUR,
         f"{s['step']}: {s['sessions']:,} sessions") for s in steps],
        lambda v: f"{int(v):,}", label_width=130)
    return chart


def channel_chart(chart_type, rows: list[dict] | None, percent, money, labelled=lambda label: label) -> object:
    """Sessions by channel, with their bounce and conversion rates and revenue (``labelled``
    adds the currency to a column's title)."""
    title = "Channels"
    chart = chart_type("channels", title,
                       "Sessions by the channel they came from (all days): the share that bounced (one "
                       "page), the share that bought, and their orders' revenue.", "",
                       ["channel", "sessions", "bounced", "bought", labelled("revenue")],
                       numeric=(1, 2, 3, 4))
    if rows is None:
        chart.svg = svg.empty_svg(title, "no page views in this warehouse (run a loading command to upgrade it)")
        return chart
    channels = channel_totals(rows)
    chart.rows = [[c["channel"], f"{c['sessions']:,}", percent(c["bounces"] / c["sessions"]),
                   percent(c["purchases"] / c["sessions"]), money(c["revenue_cents"])] for c in channels]
    chart.marks = len(channels)
    if not channels:
        chart.svg = svg.empty_svg(title, "no sessions yet")
        return chart
    chart.svg = svg.horizontal_bars(title, [
        (c["channel"], c["sessions"], CHANNEL_COLOUR, f"{c['channel']}: {c['sessions']:,} sessions")
        for c in channels], lambda v: f"{int(v):,}", label_width=130)
    return chart
