"""The dashboard's pages, in order, each a list of sections (see ``ui.Section``).

An input kind with its own Gold views adds its page here: its sections' module(s) and one
entry in PAGES (e.g. a funnel of page views, a customer lifecycle).
"""

from __future__ import annotations

from ecommerce_warehouse.dashboard import categories, cohorts, kpis, orders, quarantine, sales, sessions
from ecommerce_warehouse.dashboard.ui import Page

PAGES: tuple[Page, ...] = (
    Page("Sales", (kpis.SECTION, sales.DAILY, sales.TOP_PRODUCTS, categories.SECTION,
                   cohorts.SECTION, quarantine.SECTION),
         caption="Order lines from the Gold views: filter by dates and categories above."),
    Page("Sessions", (sessions.FUNNEL, sessions.CHANNELS),
         caption="Page views' sessions from the Gold views, by the day they started (the "
                 "categories do not apply)."),
    Page("Orders", (orders.STATUS, orders.LEAD_TIMES, orders.PAYMENTS),
         caption="Each order's lifecycle from the change events: statuses day by day, how long "
                 "delivery takes, how customers pay (the categories do not apply)."),
)
