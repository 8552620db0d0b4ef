"""The page views' steps of the walkthrough: sessions and the funnel, with Ada as the example.

After the order lines' fourteen steps, four more: the same three days' page views (the
generator's, whose sessions end in the scenario's orders, and Ada's, written by hand),
their sessions, a session that a later file continues across midnight, and the funnel
from first visit to paid order. Ada (``A-ADA``, her laptop's cookie) browses on the
morning of 1 March without logging in, comes back from the newsletter an hour later, logs
in at the cart and places ORD-ADA-1 (TX-ADA-1, two mugs); on 2 March she places ORD-ADA-2,
browses again just before midnight, and the rest of that session comes in 3 March's file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson

from ecommerce_warehouse.classroom import scenario
from ecommerce_warehouse.classroom.lesson import Exercise, SqlShown, Step, WalkthroughError
from ecommerce_warehouse.db import write_transaction
from ecommerce_warehouse.generate import events as events_generator
from ecommerce_warehouse.generate.catalogue import build_catalogue
from ecommerce_warehouse.generate.files import write_atomically
from ecommerce_warehouse.load.ingest import ingest_file
from ecommerce_warehouse.model import schema
from ecommerce_warehouse.sources import events

SOURCE = events.SOURCE
ADA_COOKIE = "A-ADA"
SITE = "https://shop.example.com"
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.3 Safari/605.1.15"


def _view(event_id: str, at: str, path: str, referrer: str = "", user: bool = False) -> dict:
    record = {"event_id": event_id, "timestamp": at, "page_url": SITE + path, "anonymous_id": ADA_COOKIE}
    if user:
        record["user_id"] = scenario.ADA_ID
    record.update({"referrer": referrer, "ip": "198.51.100.23", "user_agent": BROWSER})
    return record


NEWSLETTER = "/?utm_source=newsletter&utm_medium=email&utm_campaign=march_news"
# Ada's page views, by day: what each shows is in the module's docstring and the steps.
ADA_VIEWS: dict[date, list[dict]] = {
    date(2025, 3, 1): [
        _view("EV-ADA-01", "2025-03-01T08:05:00Z", "/p/P9001", "https://www.google.com/"),
        _view("EV-ADA-02", "2025-03-01T08:07:10Z", "/c/home-kitchen", SITE + "/p/P9001"),
        _view("EV-ADA-03", "2025-03-01T08:09:30Z", "/p/P9002", SITE + "/c/home-kitchen"),
        _view("EV-ADA-04", "2025-03-01T09:22:00Z", NEWSLETTER),
        _view("EV-ADA-05", "2025-03-01T09:24:40Z", "/p/P9001", SITE + "/"),
        _view("EV-ADA-06", "2025-03-01T09:27:15Z", "/cart", SITE + "/p/P9001", user=True),
        _view("EV-ADA-07", "2025-03-01T09:28:30Z", "/checkout", SITE + "/cart", user=True),
        _view("EV-ADA-08", "2025-03-01T09:30:00Z", "/checkout/confirmation?order_id=ORD-ADA-1",
              SITE + "/checkout", user=True),
    ],
    date(2025, 3, 2): [
        _view("EV-ADA-09", "2025-03-02T18:01:00Z", "/", user=True),
        _view("EV-ADA-10", "2025-03-02T18:02:30Z", "/p/P9002", SITE + "/", user=True),
        _view("EV-ADA-11", "2025-03-02T18:03:40Z", "/cart", SITE + "/p/P9002", user=True),
        _view("EV-ADA-12", "2025-03-02T18:04:20Z", "/checkout", SITE + "/cart", user=True),
        _view("EV-ADA-13", "2025-03-02T18:05:00Z", "/checkout/confirmation?order_id=ORD-ADA-2",
              SITE + "/checkout", user=True),
        _view("EV-ADA-14", "2025-03-02T23:48:00Z", "/c/sports-outdoors", "https://www.instagram.com/"),
        _view("EV-ADA-15", "2025-03-02T23:55:30Z", "/p/P9002", SITE + "/c/sports-outdoors"),
    ],
    date(2025, 3, 3): [
        _view("EV-ADA-16", "2025-03-03T00:04:10Z", "/search?q=compass", SITE + "/p/P9002"),
        _view("EV-ADA-17", "2025-03-03T00:06:00Z", "/p/P9002", SITE + "/search?q=compass"),
    ],
}


def write_page_views(folder: Path, day: date) -> tuple[Path, int]:
    """Write ``day``'s page views: the generator's for the scenario's orders, then Ada's."""
    catalogue = build_catalogue(scenario.SEED)
    records = list(events_generator.day_records(catalogue, day, scenario.LINES_PER_DAY))
    records += ADA_VIEWS[day]
    target = Path(folder) / f"events_{day:%Y%m%d}.jsonl"

    def write(out) -> int:
        out.write(b"".join(orjson.dumps(record) + b"\n" for record in records))
        return len(records)
    return target, write_atomically(target, write)


def load_days(w, days: list[date]) -> list[str]:
    """Write and ingest the days' page-view files; the count lines and each file's summary."""
    names = ["raw_events", "etl_files"]
    before = w.counts(names)
    summaries = []
    for day in days:
        path, _ = write_page_views(w.raw_dir, day)
        result = ingest_file(w.engine, path, SOURCE, w.run_record.run_id)
        w.run_record.step("ingest", str(path), result.records_loaded, result.seconds)
        if result.status != "loaded":
            raise WalkthroughError(f"{path.name} did not load: {result.error or result.status}")
        summaries.append(f"{path.name}: {result.records_read} read = {result.records_loaded} loaded"
                         f" + {result.duplicates_skipped} duplicates + {result.records_rejected} rejected")
    return w.change_lines(before, w.counts(names)) + [""] + [line for s in summaries for line in w.text(s)]


def ada_views(w, first: int, count: int) -> list[str]:
    """Ada's page views in time order, ``count`` of them from the ``first`` (0-based)."""
    columns = ["event_id", "event_ts", "page_path", "user_id"]
    shown = w.peek("raw_events", columns, where=_ada_raw, order_by="event_ts", limit=None)
    return w.table(columns, [(e, t[5:16], p[:26], u) for e, t, p, u in shown[first:first + count]])


def _ada_raw(c):
    return c.anonymous_id == ADA_COOKIE


_ada_raw.uses = ("anonymous_id",)


def ada_sessions(w) -> list[list]:
    """Ada's sessions, oldest first: id, start, views, channel, user, logged in, funnel, order."""
    visitor = w.peek("dim_visitors", ["visitor_key"], where=_visitor)
    if not visitor:
        return []
    key = visitor[0][0]
    found = w.peek("fact_sessions", ["session_id", "started_at", "page_views", "channel_key", "user_key",
                                     "is_logged_in", "reached_purchase", "revenue_cents"],
                   where=_with_visitor(key), order_by="started_at", limit=None)
    channels = dict(w.peek("dim_channel", ["channel_key", "channel"], limit=None))
    users = dict(w.peek("dim_users", ["user_key", "user_id"], limit=None))
    return [[sid, start[5:16], views, channels.get(channel, "?"), users.get(user) or "-", logged,
             bought, cents] for sid, start, views, channel, user, logged, bought, cents in found]


def _visitor(c):
    return c.visitor_id == ADA_COOKIE


_visitor.uses = ("visitor_id",)


def _with_visitor(key: int):
    def predicate(c):
        return c.visitor_key == key
    predicate.uses = ("visitor_key",)
    return predicate


SESSION_COLUMNS = ["session", "start", "views", "channel", "user", "login", "buy", "cents"]


# --- the steps ----------------------------------------------------------------------------------

def page_views(w) -> list[str]:
    w.start_run(scenario.days()[0])
    with write_transaction(w.engine) as connection:
        schema.create_tables(connection, schema.table_files())     # (already there: no change)
    lines = load_days(w, scenario.days()[:2])
    return lines + [""] + ada_views(w, 3, 5)         # her second visit: she logs in at the cart


def sessions(w) -> list[str]:
    names = ["silver_page_views", "fact_page_views", "fact_sessions"]
    before = w.counts(names)
    with write_transaction(w.engine) as connection:
        schema.create_views(connection, [name for name in SOURCE.views if name not in w.objects(connection)[1]])
    w.run_transform()
    w.finish_run()
    lines = w.change_lines(before, w.counts(names)) + [""]
    return lines + w.table(SESSION_COLUMNS, ada_sessions(w)) + [""] + w.text(
        "Her morning session (no login) is hers too: the login at 09:27 links the visitor.")


def across_midnight(w) -> list[str]:
    w.start_run(scenario.days()[2])
    before = ada_sessions(w)
    lines = load_days(w, scenario.days()[2:])
    w.run_transform()
    w.finish_run()
    after = ada_sessions(w)
    late = [row for row in after if row[1].startswith("03-02T23")]
    lines += [""] + w.text(f"Ada's late session of 2 March: {before[-1][2]} views before this file, "
                           f"{late[0][2] if late else '?'} now, the same session_id.")
    windows = w.peek("stage_session_windows", ["session_scope", "from_us", "to_us"],
                     where=_scope, limit=None)
    lines += w.table(SESSION_COLUMNS, after[-1:])
    if windows:
        lines += [""] + w.text(f"It was recomputed: stage_session_windows holds {windows[0][0]}.")
    return lines


def _scope(c):
    return c.session_scope == f"visitor:{ADA_COOKIE}"


_scope.uses = ("session_scope",)


def funnel(w) -> list[str]:
    steps = w.peek("gold_funnel_daily", ["step_number", "step", "sessions"], limit=None)
    totals: dict[tuple, int] = {}
    for number, step, count in steps:
        totals[(number, step)] = totals.get((number, step), 0) + count
    rows = [(step, count) for (_, step), count in sorted(totals.items())]
    lines = w.table(["step", "sessions"], rows)
    order = w.peek("fact_orders", ["order_id", "status", "total_amount_cents"], where=_ada_order, limit=None)
    if order:
        cents = sum(total for _, status, total in order if status == "completed")
        lines += [""] + w.text(f"ORD-ADA-1 in fact_orders: {cents} cents of completed lines; her "
                               f"purchase session's revenue_cents: {ada_sessions(w)[1][7]}.")
    return lines


def _ada_order(c):
    return c.order_id == "ORD-ADA-1"


_ada_order.uses = ("order_id",)


STEPS = (
    Step("Page views: how shoppers got there",
         "A second business process: the shop's pages, one JSON object per page view (events "
         "files). Each order of the three days ends a session on its confirmation page. Ada's "
         "laptop (cookie A-ADA) browses, logs in at the cart and buys.",
         SqlShown("ingest/insert_raw_event"),
         Exercise("How many page views of each file are loaded, duplicates or rejected?",
                  "select path, records_read, records_loaded, duplicates_skipped, records_rejected\n"
                  "from etl_files where source = 'events' order by file_id"),
         run=page_views),
    Step("Sessions: 30 minutes, and a login that links the past",
         "A visitor's session ends after 30 minutes without a page view. Silver applies the rules "
         "tables (page type, bots); the transform cuts sessions, gives each the channel of its "
         "first page and the user who logged in, or that the visitor logged in as later.",
         SqlShown("transform/stage_page_view_sessions", start="with session_"),
         Exercise("Which channels bring the most sessions?",
                  example="examples/conversion_by_channel.sql"),
         run=sessions),
    Step("A session across midnight and two files",
         "Day 3's file continues Ada's session of 2 March after midnight. The transform recomputes "
         "every session its page views can touch, so the result is the same whatever the file "
         "boundaries and the order the files come in.",
         SqlShown("transform/stage_session_windows", start="with new_view as ("),
         Exercise("Which sessions have page views from more than one file?",
                  "select session_id, count(distinct batch_id) as files, count(*) as views\n"
                  "from fact_page_views group by session_id\nhaving count(distinct batch_id) > 1"),
         run=across_midnight),
    Step("The funnel: from first visit to paid order",
         "Session, product view, cart, checkout, purchase: a session reaches a step when it views "
         "that page after the step before. A purchase links to its order in fact_orders, the "
         "same dimensions and cents: two processes, one star.",
         SqlShown("gold/gold_funnel_daily"),
         Exercise("On each day, how many sessions reached each step?",
                  "select session_date, step, sessions, step_conversion\n"
                  "from gold_funnel_daily order by session_date, step_number"),
         run=funnel),
)
