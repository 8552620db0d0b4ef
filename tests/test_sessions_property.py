"""Sessions come out the same whatever the file boundaries and the load order (Hypothesis).

A world is a few visitors' page views over a few hours: gaps around the 30-minute limit
(so late page views extend, merge and split sessions), page views across midnight, some
with a tracker's session_id, logins, robots, exact copies, and a purchase whose order
lines come in a file of their own. The page views are cut into 1–4 files at random
boundaries and loaded one run per file in a random order (the order lines somewhere
among them), or all at once. Every way must give the same fact_sessions and
fact_page_views (compared by natural keys, never surrogate keys or load times), and
the sessions must be those an independent model of the rules cuts (sessions.py's
rules, written again here in Python).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import depth
from events_helpers import load_files, order_line, view, write_events

PROPERTY_SETTINGS = settings(
    max_examples=depth(25, 200), deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
START = datetime(2025, 3, 1, 22, 0, tzinfo=UTC)      # two hours before midnight
TIMEOUT = timedelta(minutes=30)
PATHS = ("/", "/c/books", "/p/P1", "/p/P2", "/cart", "/checkout", "/checkout/confirmation?order_id=O-1")
SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


@dataclass(frozen=True)
class PageView:
    event_id: str
    at: datetime
    visitor: str
    path: str
    user: str | None
    session: str | None
    bot: bool

    def record(self) -> dict:
        agent = "Googlebot/2.1" if self.bot else "Mozilla/5.0"
        return view(self.event_id, self.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), self.path, visitor=self.visitor,
                    user=self.user, session=self.session, agent=agent)


@st.composite
def worlds(draw) -> list[PageView]:
    views = []
    for visitor in draw(st.lists(st.sampled_from(("A", "B", "C")), min_size=1, max_size=3, unique=True)):
        moment = START + timedelta(minutes=draw(st.integers(0, 60)))
        tracker = draw(st.sampled_from((None, None, None, f"S-{visitor}")))
        for number in range(draw(st.integers(1, 7))):
            # gaps around the 30-minute limit, exactly on it, and ties
            moment += draw(st.sampled_from((timedelta(0), timedelta(minutes=5), TIMEOUT,
                                            TIMEOUT + timedelta(microseconds=1), timedelta(minutes=29),
                                            timedelta(minutes=45))))
            views.append(PageView(
                f"{visitor}{number}", moment, visitor, draw(st.sampled_from(PATHS)),
                draw(st.sampled_from((None, None, "U1", "U2"))), tracker, draw(st.booleans()) and number == 0))
    return views


def model_sessions(views: list[PageView]) -> list[tuple]:
    """(session_id, visitor, page views, first time, last time, user) by the rules, in Python."""
    people = sorted((v for v in views if not v.bot), key=lambda v: (v.at, v.event_id))
    latest_login = {}
    for item in people:
        if item.user:
            latest_login[item.visitor] = item.user
    scopes: dict[str, list[PageView]] = {}
    for item in people:
        scopes.setdefault(f"session:{item.session}" if item.session else f"visitor:{item.visitor}", []).append(item)
    found = []
    for scope, items in scopes.items():
        current: list[PageView] = []
        cut = []
        for item in items:
            if current and not scope.startswith("session:") and item.at - current[-1].at > TIMEOUT:
                cut.append(current)
                current = []
            current.append(item)
        cut.append(current)
        for session in cut:
            logins = [item.user for item in session if item.user]
            user = logins[-1] if logins else latest_login.get(session[0].visitor, "")
            name = session[0].session or session[0].event_id
            found.append((name, session[0].visitor, len(session), session[0].at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                          session[-1].at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), user))
    return sorted(found)


def query(db: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


SESSIONS = """
    select s.session_id, visitor.visitor_id, s.page_views, s.started_at, s.ended_at, person.user_id
    from fact_sessions as s
    inner join dim_visitors as visitor on visitor.visitor_key = s.visitor_key
    inner join dim_users as person on person.user_key = s.user_key
    order by 1"""
SESSION_DETAIL = """
    select s.session_id, s.is_logged_in, s.date_key, s.duration_seconds, s.landing_page_path,
           s.exit_page_path, s.reached_product_view, s.reached_cart, s.reached_checkout,
           s.reached_purchase, s.order_id, s.revenue_cents, s.is_bounce, channel.channel
    from fact_sessions as s inner join dim_channel as channel on channel.channel_key = s.channel_key
    order by 1"""
PAGE_VIEWS = """
    select event_id, session_id, view_number, time_on_page_seconds, viewed_at
    from fact_page_views order by event_id"""


def picture(db: Path) -> tuple:
    return query(db, SESSIONS), query(db, SESSION_DETAIL), query(db, PAGE_VIEWS)


@PROPERTY_SETTINGS
@given(world=worlds(), data=st.data())
def test_sessions_are_the_same_whatever_the_files_and_their_order(world, data):
    records = [item.record() for item in world]
    records += data.draw(st.lists(st.sampled_from(records), max_size=2))     # exact copies
    records = data.draw(st.permutations(records))
    cuts = sorted(data.draw(st.lists(st.integers(1, max(1, len(records) - 1)), max_size=3, unique=True)))
    pieces = [records[low:high] for low, high in zip([0, *cuts], [*cuts, len(records)]) if records[low:high]]
    order = data.draw(st.permutations(range(len(pieces) + 1)))               # the order lines among them
    at_once = data.draw(st.booleans())
    with tempfile.TemporaryDirectory(dir=SCRATCH, prefix="warehouse-sessions-") as folder:
        folder = Path(folder)
        files = [write_events(folder, f"2025030{i}", piece) for i, piece in enumerate(pieces)]
        files.append(write_events(folder, "20250301", [order_line("T1", "O-1", "2025-03-01T23:00:00",
                                                                  quantity=2, price=3.25)]))
        whole = write_events(folder, "whole", records)

        reference = folder / "reference.db"
        assert load_files(reference, files[-1], whole).status == "succeeded"
        other = folder / "other.db"
        if at_once:
            result = load_files(other, *(files[i] for i in order))
            assert result.status == "succeeded", result.error
        else:
            for i in order:
                result = load_files(other, files[i])
                assert result.status == "succeeded", result.error
                assert not [c.name for c in result.transform.checks if c.status == "fail"]

        assert picture(other) == picture(reference)
        assert query(reference, SESSIONS) == model_sessions(world)
        assert query(other, "select count(*) from stage_page_view_sessions where session_id is null") == [(0,)]
