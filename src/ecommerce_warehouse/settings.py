"""Defaults, declared once. The CLI options use these; nothing below the CLI reads os.environ."""

from datetime import date

DB_ENVVAR = "WAREHOUSE_DB"
DEFAULT_DB = "data/warehouse/ecommerce_warehouse.db"
DEFAULT_RAW_DIR = "data/raw"
# The default run builds the same warehouse on every machine: March 2025, seed 42.
DEFAULT_START = date(2025, 3, 1)
DEFAULT_END = date(2025, 3, 31)
DEFAULT_SEED = 42
DEFAULT_TRANSACTIONS = 500
# Page views are generated for the last days of the range only (--event-days): a week of
# sessions teaches the funnel, channels, stitching and sessions across midnight, and keeps
# the first run to a few seconds (the whole month is about 230,000 page views).
DEFAULT_EVENT_DAYS = 7

# How long a writer waits for another run to finish before failing with "warehouse is busy".
WAIT_ENVVAR = "WAREHOUSE_WAIT"
DEFAULT_WAIT_SECONDS = 30.0

# PostgreSQL: the schema the warehouse lives in, so several warehouses share one database.
SCHEMA_ENVVAR = "WAREHOUSE_SCHEMA"
DEFAULT_SCHEMA = "public"

# The shop's currency: amounts carry none in the input contract, so reports and the
# dashboard are told which it is (an ISO 4217 code; the generator's prices are US dollars).
CURRENCY_ENVVAR = "WAREHOUSE_CURRENCY"
DEFAULT_CURRENCY = "USD"

# `warehouse dashboard`: where Streamlit listens.
DEFAULT_DASHBOARD_HOST = "localhost"
DEFAULT_DASHBOARD_PORT = 8501

# `warehouse export`: where the files go, and the Iceberg catalog's URL, if set once
DEFAULT_EXPORT_DIRS = {"parquet": "data/export/parquet", "iceberg": "data/export/iceberg"}
EXPORT_CATALOG_ENVVAR = "WAREHOUSE_EXPORT_CATALOG"
