"""Create the warehouse's tables and views (and, next, upgrade an older warehouse)."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.db import run_sql, utc_now, write_transaction


def ensure_schema(engine: Engine) -> None:
    """Create every table, index and view that is missing (idempotent).

    Table files say `create table if not exists`. View files say plain `create view`
    (the one form both engines accept), so a view is created only when it is missing:
    an existing view is never replaced under a reader's open transaction.
    """
    with write_transaction(engine) as connection:
        for name in sqlfiles.SCHEMA:
            run_sql(connection, name, {"now": utc_now()})
        existing = set(inspect(connection).get_view_names())
        for name in sqlfiles.VIEWS:
            if name.split("/")[-1] not in existing:
                run_sql(connection, name)
