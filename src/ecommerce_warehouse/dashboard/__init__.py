"""`warehouse dashboard`: a Streamlit app over the Gold views of any warehouse.

Streamlit is an optional extra (``pip install 'ecommerce-warehouse[dashboard]'``): nothing
here is imported when the CLI starts, and only ``app.py`` (the script Streamlit runs) and
``server.py`` (which starts it) need it. ``data.py`` reads the warehouse and counts (no
Streamlit); ``ui.py`` says what a section and a page are; each section is a module of its
own (``kpis``, ``sales``, ``categories``, ``cohorts``, ``quarantine``), listed in
``pages.PAGES``.
"""
