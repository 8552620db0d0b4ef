"""The clickstream model, rule by rule (DESIGN.md, docs/EVENTS.md), on hand-written page views:
page types, referrer domains, channels, visitors and identity stitching, sessions (the
30-minute rule, a tracker's session ids, midnight and two files), bots, the funnel and
its link to fact_orders, duplicates, the quarantine, status and rejects, and that a
second run with nothing new changes nothing."""

from __future__ import annotations

import json

import pytest

from conftest import rows
from ecommerce_warehouse.cli import warehouse
from events_helpers import load_files, order_line, view, write_events


@pytest.fixture
def db(tmp_path):
    return tmp_path / "w.db"


def load(db, tmp_path, *batches: list, names=None):
    """Write each list of records as its own file and load them all in one run."""
    files = [write_events(tmp_path, (names or [f"2025030{i + 1}" for i in range(len(batches))])[i], records)
             for i, records in enumerate(batches)]
    result = load_files(db, *files)
    assert result.status == "succeeded", result.error
    assert not [c for c in result.transform.checks if c.status == "fail"], result.transform.checks
    return result


# --- Silver: page types, ids, referrer domains, bots ---------------------------------------------

def test_page_types_come_from_the_rules_table(db, tmp_path):
    paths = {"/": "home", "/c/books": "category", "/search?q=tea": "search", "/p/P0001": "product",
             "/p/P0001/reviews": "other", "/cart": "cart", "/cart/": "cart", "/checkout": "checkout",
             "/checkout/shipping": "checkout", "/checkout/confirmation?order_id=O-1": "purchase",
             "/help/returns": "other", "/Cart": "other"}
    load(db, tmp_path, [view(f"e{i}", f"2025-03-01T10:{i:02d}:00", path, visitor=f"V{i}")
                        for i, path in enumerate(paths)])

    found = dict(rows(db, "select raw.page_url, silver.page_type from silver_page_views as silver"
                          " inner join raw_events as raw on raw.raw_id = silver.raw_id"))
    assert {url.removeprefix("https://shop.example.com"): kind for url, kind in found.items()} == paths
    assert rows(db, "select product_id from silver_page_views where product_id is not null") == [("P0001",)]
    assert rows(db, "select order_id from silver_page_views where order_id is not null") == [("O-1",)]
    # editing the rules changes what later page views become
    rows_changed = __import__("sqlite3").connect(db)
    rows_changed.execute("insert into page_type_rules values (65, 'prefix', '/help/', 'category')")
    rows_changed.commit()
    rows_changed.close()
    load(db, tmp_path, [view("late", "2025-03-02T10:00:00", "/help/shipping", visitor="W")],
         names=["20250302"])
    assert rows(db, "select page_type from silver_page_views where event_id = 'late'") == [("category",)]


def test_ref_domain_drops_www_and_internal_navigation(db, tmp_path):
    load(db, tmp_path, [
        view("e1", "2025-03-01T10:00:00", referrer="https://www.Google.com/search?q=x", visitor="V1"),
        view("e2", "2025-03-01T10:00:00", referrer="https://shop.example.com/p/P1", visitor="V2"),
        view("e3", "2025-03-01T10:00:00", referrer="https://www.shop.example.com/", visitor="V3"),
        view("e4", "2025-03-01T10:00:00", referrer="", visitor="V4"),
        view("e5", "2025-03-01T10:00:00", referrer=None, visitor="V5"),
        view("e6", "2025-03-01T10:00:00", referrer="https://m.facebook.com/", visitor="V6"),
    ])
    assert rows(db, "select event_id, ref_domain from silver_page_views order by event_id") == [
        ("e1", "google.com"), ("e2", None), ("e3", None), ("e4", None), ("e5", None), ("e6", "m.facebook.com")]


def test_bots_stay_in_silver_flagged_and_out_of_the_facts(db, tmp_path):
    load(db, tmp_path, [
        view("b1", "2025-03-01T10:00:00", "/p/P1", visitor="B", agent="Mozilla/5.0 (compatible; Googlebot/2.1)"),
        view("b2", "2025-03-01T10:00:01", "/p/P2", visitor="C", agent="python-requests/2.31"),
        view("h1", "2025-03-01T10:00:02", "/p/P1", visitor="H", agent="Mozilla/5.0 (X11) Firefox/123.0"),
    ])
    assert rows(db, "select event_id, is_bot from silver_page_views order by event_id") == [
        ("b1", 1), ("b2", 1), ("h1", 0)]
    assert rows(db, "select event_id from fact_page_views") == [("h1",)]
    assert rows(db, "select count(*) from fact_sessions") == [(1,)]
    assert rows(db, "select visitor_id from dim_visitors where visitor_key > 0") == [("H",)]


# --- channels ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("landing", "referrer", "channel"), [
    ("/?utm_source=g&utm_medium=cpc", "https://www.google.com/", "paid"),
    ("/?utm_medium=PPC", "", "paid"),
    ("/?utm_medium=paid", "", "paid"),
    ("/?utm_medium=email&utm_source=news", "", "email"),
    ("/?utm_medium=social", "https://www.google.com/", "social"),
    ("/", "https://www.google.co.uk/", "organic_search"),
    ("/", "https://duckduckgo.com/", "organic_search"),
    ("/", "https://search.yahoo.com/", "organic_search"),
    ("/", "https://www.bing.com/", "organic_search"),
    ("/", "https://l.facebook.com/", "social"),
    ("/", "https://t.co/abc", "social"),
    ("/", "https://x.com/someone", "social"),
    ("/", "https://www.reddit.com/r/x", "social"),
    ("/", "https://blog.example.net/post", "referral"),
    ("/", "https://xx.com/", "referral"),
    ("/?utm_medium=affiliate", "", "direct"),
    ("/", "", "direct"),
    ("/", "https://shop.example.com/cart", "direct"),
])
def test_a_sessions_channel_comes_from_its_first_page_view(db, tmp_path, landing, referrer, channel):
    load(db, tmp_path, [view("e1", "2025-03-01T10:00:00", landing, referrer=referrer),
                        view("e2", "2025-03-01T10:01:00", "/p/P1", referrer="https://www.google.com/")])
    assert rows(db, """select channel.channel from fact_sessions as s
                       inner join dim_channel as channel on channel.channel_key = s.channel_key""") == [(channel,)]


# --- sessions ------------------------------------------------------------------------------------

def sessions(db) -> list[tuple]:
    return rows(db, """select session_id, visitor.visitor_id, page_views, started_at, ended_at, duration_seconds
                       from fact_sessions as s inner join dim_visitors as visitor
                           on visitor.visitor_key = s.visitor_key
                       order by started_at""")


def test_thirty_minutes_of_inactivity_start_a_new_session(db, tmp_path):
    load(db, tmp_path, [
        view("a1", "2025-03-01T10:00:00"),
        view("a2", "2025-03-01T10:29:59.999999"),       # 30 min later, less a microsecond: same session
        view("a3", "2025-03-01T10:59:59.999999"),       # exactly 30 min later: still the same
        view("a4", "2025-03-01T11:30:00"),              # more than 30 min: a new session
        view("b1", "2025-03-01T10:05:00", visitor="B"),  # another visitor, in between
    ])
    assert sessions(db) == [
        ("a1", "A1", 3, "2025-03-01T10:00:00.000000Z", "2025-03-01T10:59:59.999999Z", 3599),
        ("b1", "B", 1, "2025-03-01T10:05:00.000000Z", "2025-03-01T10:05:00.000000Z", 0),
        ("a4", "A1", 1, "2025-03-01T11:30:00.000000Z", "2025-03-01T11:30:00.000000Z", 0),
    ]
    assert rows(db, "select event_id, session_id, view_number, time_on_page_seconds from fact_page_views"
                    " order by event_id") == [
        ("a1", "a1", 1, 1799), ("a2", "a1", 2, 1800), ("a3", "a1", 3, None), ("a4", "a4", 1, None),
        ("b1", "b1", 1, None)]
    assert rows(db, "select is_bounce from fact_sessions order by started_at") == [(0,), (1,), (1,)]


def test_a_trackers_session_id_is_kept_whatever_the_gaps(db, tmp_path):
    load(db, tmp_path, [
        view("t1", "2025-03-01T10:00:00", session="S-1"),
        view("t2", "2025-03-01T12:00:00", session="S-1"),
        view("t3", "2025-03-01T10:10:00", session="S-2"),
    ])
    assert rows(db, "select session_id, session_id_derived, page_views from fact_sessions order by session_id") == [
        ("S-1", 0, 2), ("S-2", 0, 1)]


def test_a_session_across_midnight_and_two_files_is_one_session(db, tmp_path):
    before = [view("n1", "2025-03-01T23:50:00"), view("n2", "2025-03-01T23:58:00")]
    after = [view("n3", "2025-03-02T00:05:00"), view("n4", "2025-03-02T00:20:00")]
    first = load(db, tmp_path, after, names=["20250302"])
    assert rows(db, "select session_id, page_views from fact_sessions") == [("n3", 2)]
    second = load(db, tmp_path, before, names=["20250301"])

    assert rows(db, "select session_id, page_views, date_key, duration_seconds from fact_sessions") == [
        ("n1", 4, 20250301, 1800)]
    assert rows(db, "select event_id, session_id, view_number from fact_page_views order by viewed_at") == [
        ("n1", "n1", 1), ("n2", "n1", 2), ("n3", "n1", 3), ("n4", "n1", 4)]
    assert rows(db, "select session_id from stage_page_view_sessions order by page_view_key") == [("n1",)] * 4
    # the summary's rows changed: page views added once (not again when they get their
    # session), the earlier ones that moved to another session, no working table
    changed = [run.transform.changed for run in (first, second)]
    assert [c["fact_page_views"] for c in changed] == [2, 2 + 2]
    assert [c["fact_sessions"] for c in changed] == [1, 1 + 1]     # n1 added, n3 merged away
    assert not [name for c in changed for name in c if name.startswith("stage_")]


def test_a_late_page_view_merges_two_sessions_into_one(db, tmp_path):
    load(db, tmp_path, [view("m1", "2025-03-01T10:00:00"), view("m3", "2025-03-01T10:50:00")])
    assert [s[0] for s in sessions(db)] == ["m1", "m3"]
    load(db, tmp_path, [view("m2", "2025-03-01T10:25:00")], names=["20250302"])
    assert [s[:3] for s in sessions(db)] == [("m1", "A1", 3)]


# --- visitors and identity stitching -------------------------------------------------------------

def test_a_login_links_the_whole_session_and_the_visitors_earlier_sessions(db, tmp_path):
    load(db, tmp_path, [
        view("d1", "2025-03-01T09:00:00"),                        # browses anonymously
        view("d2", "2025-03-01T18:00:00"),                        # comes back ...
        view("d3", "2025-03-01T18:05:00", "/cart", user="U7"),   # ... and logs in
        view("x1", "2025-03-01T09:00:00", visitor="X"),           # never logs in
        view("u1", "2025-03-01T09:00:00", visitor=None, user="U8"),   # no cookie: the user is the visitor
    ])
    assert rows(db, """select s.session_id, user_row.user_id, s.is_logged_in
                       from fact_sessions as s inner join dim_users as user_row on user_row.user_key = s.user_key
                       order by s.session_id""") == [
        ("d1", "U7", 0), ("d2", "U7", 1), ("u1", "U8", 1), ("x1", "", 0)]
    assert rows(db, "select visitor_id, id_kind from dim_visitors where visitor_key > 0 order by visitor_id") == [
        ("A1", "anonymous_id"), ("U8", "user_id"), ("X", "anonymous_id")]
    # a user no order line named yet is an inferred member of dim_users
    assert rows(db, "select user_id, is_inferred from dim_users where user_key > 0 order by user_id") == [
        ("U7", 1), ("U8", 1)]


def test_a_later_login_in_another_file_links_earlier_sessions_too(db, tmp_path):
    load(db, tmp_path, [view("f1", "2025-03-01T09:00:00")])
    assert rows(db, "select user_key from fact_sessions") == [(-1,)]
    load(db, tmp_path, [view("f2", "2025-03-02T09:00:00", user="U5")], names=["20250302"])
    assert rows(db, """select s.session_id, u.user_id from fact_sessions as s
                       inner join dim_users as u on u.user_key = s.user_key order by 1""") == [
        ("f1", "U5"), ("f2", "U5")]
    # the newest login wins, whatever order the files come in
    load(db, tmp_path, [view("f0", "2025-02-28T09:00:00", user="U4")], names=["20250228"])
    assert rows(db, """select s.session_id, u.user_id from fact_sessions as s
                       inner join dim_users as u on u.user_key = s.user_key order by 1""") == [
        ("f0", "U4"), ("f1", "U5"), ("f2", "U5")]


# --- the funnel and the orders --------------------------------------------------------------------

def funnel_session(prefix: str, visitor: str, paths: list[str], start_minute: int = 0) -> list[dict]:
    return [view(f"{prefix}{i}", f"2025-03-01T10:{start_minute + i:02d}:00", path, visitor=visitor)
            for i, path in enumerate(paths)]


def test_a_session_reaches_a_step_only_after_the_step_before(db, tmp_path):
    confirm = "/checkout/confirmation?order_id=O-1"
    load(db, tmp_path,
         funnel_session("full", "V1", ["/", "/p/P1", "/cart", "/checkout", confirm])
         + funnel_session("cartfirst", "V2", ["/cart", "/p/P1", "/checkout"])
         + funnel_session("again", "V3", ["/cart", "/p/P1", "/p/P2", "/cart", "/checkout", "/cart"])
         + funnel_session("skip", "V4", ["/p/P1", "/checkout", confirm.replace("O-1", "O-2")])
         + funnel_session("bounce", "V5", ["/c/books"]),
         [order_line("T1", "O-1", "2025-03-01T10:04:00", quantity=2, price=10.25),
          order_line("T2", "O-1", "2025-03-01T10:04:00", price=5.5, product="P2"),
          order_line("T3", "O-1", "2025-03-01T10:04:00", price=99, status="refunded", product="P3")])

    assert rows(db, """select session_id, reached_product_view, reached_cart, reached_checkout,
                              reached_purchase, order_id, revenue_cents, is_bounce
                       from fact_sessions order by session_id""") == [
        ("again0", 1, 1, 1, 0, None, 0, 0),
        ("bounce0", 0, 0, 0, 0, None, 0, 1),
        ("cartfirst0", 1, 0, 0, 0, None, 0, 0),
        ("full0", 1, 1, 1, 1, "O-1", 2600, 0),        # 2 x 10.25 + 5.50; the refunded line is no revenue
        ("skip0", 1, 0, 0, 0, None, 0, 0),
    ]
    assert rows(db, "select step, sessions from gold_funnel_daily order by step_number") == [
        ("session", 5), ("product_view", 4), ("cart", 2), ("checkout", 2), ("purchase", 1)]
    assert rows(db, "select dropped_sessions, step_conversion from gold_funnel_daily where step = 'cart'") == [
        (2, 0.5)]


def test_revenue_follows_an_order_that_arrives_after_its_session(db, tmp_path):
    confirm = "/checkout/confirmation?order_id=O-9"
    result = load(db, tmp_path, funnel_session("s", "V1", ["/p/P1", "/cart", "/checkout", confirm]))
    assert rows(db, "select order_id, revenue_cents from fact_sessions") == [("O-9", 0)]
    assert {c.name: c.status for c in result.transform.checks}["fact_sessions_orders_exist"] == "warn"

    later = load(db, tmp_path, [order_line("T9", "O-9", "2025-03-01T10:03:00", quantity=3, price=1.01)],
                 names=["20250302"])
    assert rows(db, "select order_id, revenue_cents from fact_sessions") == [("O-9", 303)]
    assert "events" not in later.transform.ranges        # no page view of its own: only followed
    checks = {c.name: c.status for c in later.transform.checks}
    assert checks["fact_sessions_orders_exist"] == "pass"
    assert checks["fact_sessions_revenue_matches_orders"] == "pass"


# --- Bronze: duplicates, the quarantine, status and rejects --------------------------------------

def test_duplicates_and_rejects_are_counted_and_quarantined(db, tmp_path, cli):
    no_id = view(None, "2025-03-01T10:00:00", "/p/P1")
    records = [
        view("e1", "2025-03-01T10:00:00"), view("e1", "2025-03-01T10:00:00"),       # identical
        view("e1", "2025-03-01T10:00:00", "/cart"),                                  # conflicting
        no_id, dict(reversed(list(no_id.items()))),                                  # identical, no id
        view("bad", "noon"), "not json", "[1]",
    ]
    result = load(db, tmp_path, records)

    assert [(f.records_read, f.records_loaded, f.duplicates_skipped, f.records_rejected)
            for f in result.files] == [(8, 2, 2, 4)]
    assert rows(db, "select reason_code, record_key from rejected_records order by raw_id") == [
        ("conflicting_duplicate", "e1"), ("bad_timestamp", "bad"), ("invalid_json", None),
        ("not_an_object", None)]
    status = json.loads(cli.invoke(warehouse, ["status", "--db", str(db), "--json"]).stdout)
    assert {(r["source"], r["reason_code"]) for r in status["rejects"]} == {
        ("events", "conflicting_duplicate"), ("events", "bad_timestamp"), ("events", "invalid_json"),
        ("events", "not_an_object")}
    objects = {o["name"]: o["rows"] for o in status["objects"]}
    assert objects["raw_events"] == 8 and objects["fact_page_views"] == 2 and objects["fact_sessions"] == 1
    found = json.loads(cli.invoke(warehouse, ["rejects", "--db", str(db), "--source", "events", "--json"]).stdout)
    assert {r["reason_code"] for r in found["by_reason_and_file"]} == {
        "conflicting_duplicate", "bad_timestamp", "invalid_json", "not_an_object"}


def test_a_second_run_with_nothing_new_changes_nothing(db, tmp_path):
    files = [write_events(tmp_path, "20250301", [view("e1", "2025-03-01T10:00:00"),
                                                 view("e2", "2025-03-01T10:10:00", "/p/P1")])]
    load_files(db, *files)
    tables = ("silver_page_views", "fact_page_views", "fact_sessions", "dim_visitors")
    before = {table: rows(db, f"select * from {table} order by 1") for table in tables}
    again = load_files(db, *files)
    assert again.transform.nothing_new and [f.status for f in again.files] == ["already_loaded"]
    assert {table: rows(db, f"select * from {table} order by 1") for table in tables} == before
