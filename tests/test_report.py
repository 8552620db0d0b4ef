"""`warehouse report`: one self-contained HTML file with its charts from the Gold views.

The charts are checked twice: in the HTML (one ``rect.mark`` per row of the numbers table,
the numbers equal to the Gold views) and in a real browser: headless Chromium (Debian's
``chromium``) renders the file offline, takes a screenshot, and dumps the DOM it built.
The screenshot must not be blank and must show the colours of every chart's marks; the
DOM must hold as many marks as each table has rows. Without Chromium that test is
skipped with the reason; `.ci/run` installs it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import sqlite3
import struct
import subprocess
import zlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from conftest import rows
from ecommerce_warehouse.cli import warehouse
from ecommerce_warehouse.db import open_engine
from ecommerce_warehouse.model.schema import ensure_schema
from ecommerce_warehouse.pipeline import PipelineOptions, run_pipeline
from ecommerce_warehouse.read import figures as report_figures
from ecommerce_warehouse.read import report

SECTIONS = ("daily-net-revenue", "top-products", "category-share", "cohort-retention",
            "order-status", "funnel", "channels", "lead-times", "payment-methods", "rejects")


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory) -> Path:
    """Two calendar months (so the cohort heatmap has two cohorts), with dirty records."""
    folder = tmp_path_factory.mktemp("report")
    db = folder / "warehouse.db"
    run_pipeline(PipelineOptions(db=str(db), start=date(2025, 2, 20), end=date(2025, 3, 12),
                                 seed=5, transactions=40, raw_dir=folder / "raw", dirty_rate=0.05))
    return db


@pytest.fixture(scope="module")
def report_file(warehouse_db: Path, tmp_path_factory) -> Path:
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("report_out") / "report.html"
    result = CliRunner().invoke(warehouse, ["report", "--db", str(warehouse_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    return out


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sections(page: str) -> dict[str, str]:
    found = dict(re.findall(r'<section class="chart" id="([a-z-]+)"[^>]*>(.*?)</section>', page, re.DOTALL))
    assert list(found) == list(SECTIONS)
    return found


def table_rows(section: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", section, re.DOTALL).group(1)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


def mark_count(section: str) -> int:
    return len(re.findall(r'<rect class="mark"', section))


def mark_colours(section: str) -> set[str]:
    return set(re.findall(r'<rect class="mark"[^>]*fill="(#[0-9a-f]{6})"', section))


# --- the HTML file -----------------------------------------------------------------------------

def test_report_is_one_self_contained_file(report_file: Path):
    page = report_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for outside in ("http://", "https://", "<script", "<link", " src=", "@import", "url("):
        assert outside not in page, f"the report refers to something outside it: {outside}"
    assert page.count("<svg") == len(SECTIONS)


def test_one_mark_per_row_of_each_numbers_table(report_file: Path):
    for key, section in sections(report_file.read_text(encoding="utf-8")).items():
        declared = int(re.search(rf'id="{key}" data-marks="(\d+)"',
                                 report_file.read_text(encoding="utf-8")).group(1))
        assert mark_count(section) == len(table_rows(section)) == declared, key
        assert declared > 0, f"{key} drew nothing on a warehouse with data"


def test_numbers_beside_the_charts_are_the_gold_views(report_file: Path, warehouse_db: Path):
    found = sections(report_file.read_text(encoding="utf-8"))
    daily = rows(warehouse_db, "select sales_date, orders, net_revenue_cents from gold_daily_sales "
                               "order by sales_date")
    assert table_rows(found["daily-net-revenue"]) == [
        [day, f"{orders:,}", report.money(cents)] for day, orders, cents in daily]
    top = rows(warehouse_db, "select revenue_rank, product_name, net_revenue_cents from gold_top_products "
                             "order by revenue_rank, product_id limit 10")
    assert [(r[0], r[1], r[3]) for r in table_rows(found["top-products"])] == [
        (str(rank), report.esc(name), report.money(cents)) for rank, name, cents in top]
    cohorts = rows(warehouse_db, "select cohort_month, months_since_first, active_customers "
                                 "from gold_monthly_cohort_retention order by 1, 2")
    assert len({c for c, _, _ in cohorts}) >= 2
    assert [(r[0], r[1], r[3]) for r in table_rows(found["cohort-retention"])] == [
        (c, str(m), f"{a:,}") for c, m, a in cohorts]
    statuses = dict(rows(warehouse_db, "select status, lines from gold_order_status"))
    assert {r[0]: r[1] for r in table_rows(found["order-status"])} == {
        s: f"{n:,}" for s, n in statuses.items()}
    rejects = {(kind, code): count for kind, code, count in rows(
        warehouse_db, "select source, reason_code, count(*) from rejected_records group by source, reason_code")}
    assert {k for k, _ in rejects} == {"transactions", "events", "changes"}, "every kind has rejects"
    assert {(r[0], r[1]): r[2] for r in table_rows(found["rejects"])} == {
        k: f"{v:,}" for k, v in rejects.items()}
    funnel = rows(warehouse_db, "select step_number, sum(sessions) from gold_funnel_daily "
                                "group by step_number order by step_number")
    assert [r[1] for r in table_rows(found["funnel"])] == [f"{n:,}" for _, n in funnel]
    assert len(funnel) == 5 and funnel[0][1] > funnel[4][1] > 0
    lead = rows(warehouse_db, "select placed_month, carrier, orders, p50_hours, p90_hours "
                              "from gold_fulfilment_lead_times where step = 'placed_to_delivered' order by 1, 2")
    assert lead, "orders were delivered"
    assert table_rows(found["lead-times"]) == [
        [month, carrier, f"{orders:,}", f"{p50:.1f}", f"{p90:.1f}"] for month, carrier, orders, p50, p90 in lead]
    methods = rows(warehouse_db, "select method, payments, captured_cents from gold_payment_methods "
                                 "order by payments desc, method")
    assert [(r[0], r[1], r[3]) for r in table_rows(found["payment-methods"])] == [
        (method, f"{n:,}", report.money(cents)) for method, n, cents in methods]
    channels = rows(warehouse_db, "select channel, sum(sessions), sum(revenue_cents) from gold_channel_daily "
                                  "group by channel order by 2 desc, 1")
    assert [(r[0], r[1], r[4]) for r in table_rows(found["channels"])] == [
        (channel, f"{sessions:,}", report.money(cents)) for channel, sessions, cents in channels]
    assert sum(cents for _, _, cents in channels) == rows(
        warehouse_db, "select coalesce(sum(revenue_cents), 0) from fact_sessions")[0][0]
    # category share: each month's rows add up to the view's month, at most 8 categories
    # plus Other (before issue 12 one row per category; this warehouse has 14 of them)
    shown = table_rows(found["category-share"])
    view = rows(warehouse_db, "select month, category, net_revenue_cents from gold_category_sales_monthly")
    for month in {m for m, _, _ in view}:
        mine = [r for r in shown if r[0].rstrip("*") == month]
        assert sum(int(r[3].replace(",", "").replace(".", "")) for r in mine) == \
            sum(c for m, _, c in view if m == month)
        assert len(mine) <= report_figures.TOP_CATEGORIES + 1
    kept = {r[1] for r in shown} - {"Other"}
    other = sum(c for _, cat, c in view if report.esc(cat) not in kept)
    assert sum(int(r[3].replace(",", "").replace(".", "")) for r in shown if r[1] == "Other") == other > 0


def test_money_is_exact():
    assert report.money(0) == "0.00"
    assert report.money(5) == "0.05"
    assert report.money(123456789) == "1,234,567.89"
    assert report.money(-250) == "-2.50"


def test_report_only_reads_the_warehouse(warehouse_db: Path, tmp_path: Path, cli):
    before = file_digest(warehouse_db)
    result = cli.invoke(warehouse, ["report", "--db", str(warehouse_db), "--out",
                                    str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    assert file_digest(warehouse_db) == before
    wal = Path(f"{warehouse_db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the report wrote to the warehouse's log"


def test_empty_warehouse_gives_a_report_without_marks(tmp_path: Path, cli):
    db = tmp_path / "empty.db"
    engine = open_engine(str(db))
    ensure_schema(engine)
    engine.dispose()
    out = tmp_path / "empty.html"
    result = cli.invoke(warehouse, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert 'class="mark"' not in page
    assert "no sales yet" in page and "no rejected records" in page


def test_missing_warehouse_is_a_one_line_error(tmp_path: Path, cli):
    missing = tmp_path / "nothing.db"
    result = cli.invoke(warehouse, ["report", "--db", str(missing), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 5          # the warehouse cannot be used (README, exit status)
    assert result.output.count("\n") == 1 and "no warehouse at" in result.output
    assert not missing.exists() and not (tmp_path / "r.html").exists()


def test_a_database_without_gold_views_is_not_a_warehouse(tmp_path: Path, cli):
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("create table t (x)")
    connection.commit()
    connection.close()
    result = cli.invoke(warehouse, ["report", "--db", str(other), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 5
    assert "is not a warehouse" in result.output and "gold_daily_sales" in result.output


# --- in a real browser -----------------------------------------------------------------------------

def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG with the standard library.

    Returns (width, height, rows of RGB pixels as bytes, 3 bytes per pixel).
    """
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    position, idat, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, header
    channels = 4 if colour_type == 6 else 3
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    previous = bytearray(stride)
    out = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        previous = line
        if channels == 4:
            del line[3::4]
        out.append(bytes(line))
    return width, height, out


def colour_counts(pixel_rows: list[bytes]) -> Counter:
    counts = Counter()
    for line in pixel_rows:
        counts.update(line[i:i + 3] for i in range(0, len(line), 3))
    return counts


def hex_rgb(colour: str) -> bytes:
    return bytes.fromhex(colour[1:])


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OFFLINE_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-extensions", "--disable-default-apps")


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *OFFLINE_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (Debian package "
                                              "`chromium`; .ci/run installs it)")
def test_every_chart_renders_in_headless_chromium(report_file: Path, tmp_path: Path):
    page = report_file.read_text(encoding="utf-8")
    found = sections(page)
    url = report_file.absolute().as_uri()

    dumped = chromium(tmp_path / "profile-dom", "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = sections(dumped.stdout)
    for key in SECTIONS:
        assert mark_count(dom[key]) == len(table_rows(dom[key])) == mark_count(found[key]) > 0, key

    shot = tmp_path / "report.png"
    taken = chromium(tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1200,4200",
                     "--hide-scrollbars", url)
    assert taken.returncode == 0 and shot.exists(), taken.stderr[-2000:]
    width, height, pixels = read_png(shot)
    assert (width, height) == (1200, 4200)          # the whole page, every chart
    counts = colour_counts(pixels)
    assert len(counts) > 50, "the screenshot is blank (too few colours)"
    assert counts.most_common(1)[0][1] < width * height * 0.95, "the screenshot is nearly all one colour"

    owners = Counter(colour for key in SECTIONS for colour in mark_colours(found[key]))
    for key in SECTIONS:
        own = [c for c in mark_colours(found[key]) if owners[c] == 1]
        assert own, f"{key}: no mark colour of its own to look for"
        painted = sum(counts[hex_rgb(c)] for c in own)
        assert painted >= 200, f"{key}: its marks are not on the screenshot ({painted} pixels)"


# --- issue 12: currency, the previous period, 8 categories plus Other, partial months, 420 px ---

def test_amounts_are_in_the_currency_given(warehouse_db: Path, tmp_path: Path, cli):
    out = tmp_path / "eur.html"
    result = cli.invoke(warehouse, ["report", "--db", str(warehouse_db), "--out", str(out), "--currency", "eur"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "amounts in EUR" in page
    assert page.count("net revenue (EUR)") >= 4          # summary, daily, top products, categories
    assert "Net revenue (EUR)" in page and "Average order value (EUR)" in page


def test_key_figures_beside_the_previous_period_are_the_warehouses(report_file: Path, warehouse_db: Path):
    page = report_file.read_text(encoding="utf-8")
    block = re.search(r'<section class="figures" id="key-figures">(.*?)</section>', page, re.DOTALL).group(1)
    assert "The last 7 days, beside the 7 before" in block
    assert "06 Mar 2025 to 12 Mar 2025" in block and "27 Feb 2025 to 05 Mar 2025" in block
    shown = {r[0]: (r[1], r[2]) for r in table_rows(block)}

    def net_and_orders(start: str, end: str) -> tuple[str, str]:
        (net, orders), = rows(warehouse_db, """select coalesce(sum(f.total_amount_cents), 0),
            count(distinct f.order_id) from fact_orders f join dim_date d on d.date_key = f.date_key
            where f.status = 'completed' and d.full_date between ? and ?""", (start, end))
        return report.money(net), f"{orders:,}"

    now, before = net_and_orders("2025-03-06", "2025-03-12"), net_and_orders("2025-02-27", "2025-03-05")
    assert shown["Net revenue (USD)"] == (now[0], before[0])
    assert shown["Orders"] == (now[1], before[1])
    assert set(shown) == {"Net revenue (USD)", "Orders", "Average order value (USD)", "Customers",
                          "Repeat-purchase rate", "Refund rate"}


def test_partial_months_are_marked(report_file: Path, warehouse_db: Path):
    found = sections(report_file.read_text(encoding="utf-8"))
    (first,), = rows(warehouse_db, "select min(d.full_date) from fact_orders f join dim_date d "
                                   "on d.date_key = f.date_key")
    assert first > "2025-02-01"            # February from the 20th (and a few late lines) on
    assert f"* partial month: 2025-02 ({first[8:]} to 28 Feb only); 2025-03 (01 to 12 Mar only)." \
        in found["category-share"].replace("&#x27;", "'")
    assert {r[0] for r in table_rows(found["category-share"])} == {"2025-02*", "2025-03*"}


def test_tables_do_not_scroll_inside_boxes(report_file: Path):
    style = re.search(r"<style>(.*?)</style>", report_file.read_text(encoding="utf-8"), re.DOTALL).group(1)
    assert "overflow: auto" not in style and "max-height" not in style and "position: sticky" not in style


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (Debian package "
                                              "`chromium`; .ci/run installs it)")
def test_readable_at_420_pixels(report_file: Path, tmp_path: Path):
    """On a 420-pixel-wide phone nothing sticks out sideways: the page is no wider than the
    screen (charts shrink, tables wrap) and no text is smaller than 11 px. (A browser window
    cannot be that narrow, so the report is measured in a 420-pixel frame.)"""
    shutil.copy(report_file, tmp_path / "report.html")
    frame = tmp_path / "phone.html"
    frame.write_text("""<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" src="report.html" style="width:420px;height:900px;border:0"></iframe>
<script>
document.getElementById('phone').onload = function () {
  var page = this.contentDocument, view = this.contentWindow;
  var sizes = [...page.querySelectorAll('td, th, p, h1, h2, b')]
      .map(e => parseFloat(view.getComputedStyle(e).fontSize));
  document.title = JSON.stringify({viewport: view.innerWidth, width: page.documentElement.scrollWidth,
                                   smallest: Math.min(...sizes)});
};
</script></body></html>""", encoding="utf-8")
    dumped = chromium(tmp_path / "profile-420", "--allow-file-access-from-files", "--window-size=800,1000",
                      "--virtual-time-budget=5000", "--dump-dom", frame.absolute().as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    measured = json.loads(html.unescape(re.search(r"<title>(.*?)</title>", dumped.stdout).group(1)))
    assert measured["viewport"] == 420, measured
    assert measured["width"] <= 420, f"the page is {measured['width']} px wide on a 420 px screen"
    assert measured["smallest"] >= 11, measured
