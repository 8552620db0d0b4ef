"""What every warehouse has whatever input kinds it loads: the run log, the file registry,
the quarantine, the schema's own bookkeeping and the conformed dimensions.

The input kinds (``sources``) add their own tables, views, transform steps and checks;
these come first.
"""

# Tables and indexes, in dependency order (a table before the tables that reference it).
SCHEMA = (
    "schema/etl_schema_versions",
    "schema/etl_views",
    "schema/etl_runs",
    "schema/etl_run_steps",
    "schema/etl_files",
    "schema/etl_watermarks",
    "schema/rejected_records",
    "schema/dq_check_results",
    "schema/dim_users",
    "schema/dim_products",
    "schema/dim_date",
    "schema/dim_unknown_members",
)

# Checks on the conformed dimensions, run in every transform and by `warehouse check`.
CHECKS = (
    "checks/dim_users_keys",
    "checks/dim_products_keys",
    "checks/dim_date_keys",
)

# The conformed dimensions, each with its unknown member (key -1).
DIMENSIONS = ("dim_users", "dim_products", "dim_date")

# Row counts a run summary shows after every kind's own: the dimensions' members, one
# column per dimension, the unknown members left out.
COUNTS = "runs/dimension_counts"
