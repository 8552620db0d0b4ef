"""What a dashboard section is, and what it is given to draw with.

A ``Section`` is a small module's worth: a title, ``load(reader, filters)`` (plain data
from the warehouse, no Streamlit) and ``render(ui, data)`` (Streamlit calls through
``ui.st``). A ``Page`` is a list of sections; ``pages.PAGES`` lists the pages, so a new
input kind's page (a funnel, a lifecycle) is one module and one entry there.

``Ui`` carries the Streamlit module, the reader, the filters and the currency, and the
one thing every chart shares: the drill-down from a chart to the rows behind it (pick
a bar in the chart or in the list under it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ecommerce_warehouse.read.figures import DRILL_ROWS, Filters, Reader, money

NOTHING = "(choose one)"
# what a drill-down's rows are, by the column that counts them all
BEHIND = {"lines_behind": "order lines", "records_behind": "records", "sessions_behind": "sessions"}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    load: Callable[[Reader, Filters], object]
    render: Callable[[Ui, object], None]
    caption: str = ""


@dataclass(frozen=True)
class Page:
    title: str
    sections: tuple[Section, ...]
    caption: str = ""


@dataclass(frozen=True)
class Drill:
    """One thing a chart shows (a day, a product, ...), and how to fetch the rows behind it."""

    label: str
    value: object                       # the chart's value for it (what a click selects)
    fetch: Callable[[], list[dict]]


@dataclass
class Ui:
    st: object
    reader: Reader
    filters: Filters
    currency: str
    notes: list[str] = field(default_factory=list)

    def money(self, cents) -> str:
        return money(cents, self.currency)

    def chart(self, key: str, chart) -> object:
        """Draw an Altair chart whose points can be clicked; return what was clicked."""
        state = self.st.altair_chart(chart, key=f"{key}_chart", on_select="rerun", width="stretch")
        selection = getattr(state, "selection", None) or {}
        for picked in (selection.values() if hasattr(selection, "values") else ()):
            if isinstance(picked, list) and picked and isinstance(picked[0], dict):
                return picked[0]
        return None

    def drill(self, key: str, choices: Sequence[Drill], clicked: dict | None = None,
              field_name: str | None = None) -> None:
        """Under a chart: pick one of its marks (or click it) and see the rows behind it."""
        st = self.st
        labels = [NOTHING] + [choice.label for choice in choices]
        widget = f"{key}_drill"
        if clicked and field_name and clicked.get(field_name) is not None:
            match = next((c.label for c in choices if str(c.value) == str(clicked[field_name])), None)
            if match and st.session_state.get(f"{widget}_clicked") != match:
                st.session_state[widget] = match
                st.session_state[f"{widget}_clicked"] = match
        if st.session_state.get(widget) not in labels:
            st.session_state[widget] = NOTHING
        picked = st.selectbox("Rows behind this chart", labels, key=widget,
                              help="Click a mark of the chart, or choose it here.")
        if picked == NOTHING:
            return
        choice = next(c for c in choices if c.label == picked)
        rows = choice.fetch()
        # the query counts what is behind the mark in a column <what>_behind
        behind = next((key for key in rows[0] if key.endswith("_behind")), None) if rows else None
        total = rows[0][behind] if behind else len(rows)
        shown = [{k: v for k, v in row.items() if k != behind} for row in rows]
        noun = BEHIND.get(behind, "rows")
        cut = f" (the first {len(rows):,} shown)" if total > len(rows) else ""
        st.caption(f"{total:,} {noun} behind {picked}{cut}")
        st.dataframe(shown, hide_index=True, width="stretch")


def drill_rows(reader: Reader, name: str, params: dict) -> Callable[[], list[dict]]:
    """A fetch of the rows behind a mark: the query ``name`` with ``params`` (at most DRILL_ROWS)."""
    return lambda: reader.rows(name, {**params, "row_limit": DRILL_ROWS})
