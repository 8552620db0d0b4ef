"""The dashboard as Streamlit draws it: the filters at the top, then each page's sections.

``main(db, currency)`` is the whole app (``app.py`` calls it with the command line's
arguments; tests call it through Streamlit's AppTest). The warehouse is only read,
through ``data.Reader``; a problem reading it is shown as one error, never a traceback.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from ecommerce_warehouse.dashboard.pages import PAGES
from ecommerce_warehouse.dashboard.ui import Ui
from ecommerce_warehouse.errors import WarehouseError
from ecommerce_warehouse.read.figures import Filters, Reader


@st.cache_resource(show_spinner=False)
def reader_for(db: str) -> Reader:
    return Reader(db)


def main(db: str, currency: str) -> None:
    st.set_page_config(page_title="Warehouse dashboard", layout="wide",
                       initial_sidebar_state="expanded" if len(PAGES) > 1 else "collapsed")
    try:
        reader = reader_for(db)
        draw(reader, currency)
    except WarehouseError as exc:
        st.error(str(exc))


def filters_row(reader: Reader) -> Filters | None:
    """The period and the categories, chosen at the top of the page (None: no line yet)."""
    (bounds,) = reader.rows("dashboard/date_range", {})
    if not bounds["lines"]:
        return None
    first, last = date.fromisoformat(bounds["first_day"]), date.fromisoformat(bounds["last_day"])
    left, right = st.columns([1, 2])
    chosen = left.date_input("Dates", value=(first, last), min_value=first, max_value=last, key="dates",
                             help="Every chart, key figure and drill-down covers these days.")
    if isinstance(chosen, date):
        chosen = (chosen,)
    start = chosen[0] if chosen else first
    end = chosen[1] if len(chosen) > 1 else start
    names = [row["category"] for row in reader.rows("dashboard/categories", {})]
    picked = right.multiselect("Categories", names, key="categories", placeholder="All categories",
                               help="None chosen: every category.")
    return Filters(start, end, tuple(picked), first_day=first)


def draw(reader: Reader, currency: str) -> None:
    page = PAGES[0]
    if len(PAGES) > 1:
        title = st.sidebar.radio("Page", [p.title for p in PAGES], key="page")
        page = next(p for p in PAGES if p.title == title)
    st.title(f"Warehouse dashboard · {page.title}")
    st.caption(f"{reader.shown} · amounts in {currency} · read-only")
    filters = filters_row(reader)
    if filters is None:
        st.info("This warehouse has no order line yet: load some with `warehouse run`.")
        return
    st.caption(f"{filters.describe()} ({filters.days} days) · "
               + (", ".join(filters.categories) if filters.categories else "all categories")
               + (f" · {page.caption}" if page.caption else ""))
    ui = Ui(st, reader, filters, currency)
    for section in page.sections:
        st.subheader(section.title)
        if section.caption:
            st.caption(section.caption)
        section.render(ui, section.load(reader, filters))
