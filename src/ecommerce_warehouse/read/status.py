"""What is in the warehouse and what happened to it: ``warehouse status``.

Reads only, through the engine's read-only connections (``db.open_read_only``): the tables and
views with their row counts (a dimension's members apart from its unknown member), what
waits for the transform, the latest runs with their steps, the quarantine by reason code
and the file registry. The queries live in ``sql/status/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse.db import open_read_only, query_sql, redacted
from ecommerce_warehouse.errors import DatabaseError
from ecommerce_warehouse.model import core
from ecommerce_warehouse.model.schema import check_readable
from ecommerce_warehouse.model.transform import waiting_sources
from ecommerce_warehouse.read.query import render_table

RUN_LIMIT = 10

# Tables the status queries read: a file without them is no warehouse.
REQUIRED_TABLES = ("etl_runs", "etl_run_steps", "etl_files", "rejected_records")


@dataclass
class WarehouseStatus:
    """Everything ``warehouse status`` shows, as plain data (see ``as_dict``)."""

    db: str
    objects: list[dict] = field(default_factory=list)
    runs: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    pending: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"db": self.db, "objects": self.objects, "runs": self.runs,
                "rejects": self.rejects, "files": self.files, "pending": self.pending}


def collect_status(db: str, run_limit: int = RUN_LIMIT) -> WarehouseStatus:
    """Read the warehouse's status; raises DatabaseError when it cannot be read."""
    engine = open_read_only(db)
    try:
        with engine.connect() as connection:
            status = WarehouseStatus(redacted(db))
            check_readable(connection)
            status.objects = objects_with_counts(connection)
            missing = sorted(set(REQUIRED_TABLES) - {o["name"] for o in status.objects})
            if missing:
                raise DatabaseError(f"{redacted(db)} is not a warehouse: it has no "
                                    f"{', '.join(missing)} table (build one with `warehouse run`)")
            status.runs = recent_runs(connection, run_limit)
            status.rejects = mappings(query_sql(connection, "status/rejects_by_reason"))
            status.files = mappings(query_sql(connection, "status/files_summary"))
            status.pending = [{"source": item.source.name, "records": item.lines,
                               "from_raw_id": item.from_raw_id + 1, "to_raw_id": item.to_raw_id}
                              for item in waiting_sources(connection)]
    except DBAPIError as exc:
        detail = " ".join(str(exc.orig).split()) if exc.orig is not None else str(exc)
        raise DatabaseError(f"cannot read the status of {redacted(db)}: {detail}") from exc
    finally:
        engine.dispose()
    return status


def mappings(result) -> list[dict]:
    return [dict(row) for row in result.mappings()]


def objects_with_counts(connection: Connection) -> list[dict]:
    """Every table and view with its row count; a dimension's also with its members (its
    rows less the unknown member, key -1, which is no customer, product or day).

    The names come from sql/status/objects.sql; the count of each is built with
    SQLAlchemy Core, which quotes the name as an identifier (a name cannot be a bound
    parameter).
    """
    objects = mappings(query_sql(connection, "status/objects"))
    names = {item["name"] for item in objects}
    members = {}
    if set(core.DIMENSIONS) <= names:
        members = dict(query_sql(connection, core.COUNTS).one()._mapping)
    for item in objects:
        counted = select(func.count()).select_from(table(item["name"]))
        item["rows"] = connection.execute(counted).scalar_one()
        if item["name"] in members:
            item["members"] = members[item["name"]]
    return objects


def recent_runs(connection: Connection, run_limit: int) -> list[dict]:
    """The latest runs, newest first, each with its duration and its steps."""
    params = {"run_limit": run_limit}
    runs = mappings(query_sql(connection, "status/recent_runs", params))
    steps: dict[int, list[dict]] = {}
    for step in mappings(query_sql(connection, "status/recent_run_steps", params)):
        steps.setdefault(step.pop("run_id"), []).append(step)
    for run in runs:
        run["seconds"] = duration(run["started_at"], run["finished_at"])
        run["steps"] = steps.get(run["run_id"], [])
    return runs


def duration(started_at: str | None, finished_at: str | None) -> float | None:
    """Seconds between two stored ISO-8601 timestamps (None while a run is running)."""
    if not started_at or not finished_at:
        return None
    try:
        seconds = (datetime.fromisoformat(finished_at) - datetime.fromisoformat(started_at))
    except ValueError:
        return None
    return round(seconds.total_seconds(), 3)


# --- text output ----------------------------------------------------------------------------

def format_status(status: WarehouseStatus) -> list[str]:
    """The status as lines of text for a person."""
    lines = [f"Warehouse {status.db}", "", "Tables and views"]
    lines += indent(render_table(["name", "type", "members", "rows"],
                                 [(o["name"], o["object_type"], o.get("members"), o["rows"])
                                  for o in status.objects], null=""))
    if any("members" in o for o in status.objects):
        lines.append("  members: a dimension's rows less its unknown member (key -1), as run "
                     "summaries count them")

    lines += ["", "Waiting for the transform"]
    if status.pending:
        lines += [f"  {p['source']}: {p['records']:,} record(s) loaded since the last transform "
                  f"(raw_id {p['from_raw_id']} to {p['to_raw_id']}); run `warehouse transform`"
                  for p in status.pending]
    else:
        lines.append("  nothing: every loaded record has been transformed")

    lines += ["", f"Last runs ({len(status.runs)}, newest first)"]
    if status.runs:
        lines += indent(render_table(
            ["run", "command", "status", "started (UTC)", "seconds", "error"],
            [(r["run_id"], r["command"], r["status"], short_time(r["started_at"]),
              r["seconds"], one_line(r["error"])) for r in status.runs],
            null="",
        ))
        lines += ["", "Steps of each run (rows: lines generated, records loaded, rows changed)"]
        for run in status.runs:
            lines.append(f"  run {run['run_id']}: " + (describe_steps(run["steps"]) or "no step"))
    else:
        lines.append("  none yet")

    lines += ["", "Rejected records by reason"]
    if status.rejects:
        lines += indent(render_table(
            ["source", "reason_code", "rejects", "example message"],
            [(r["source"], r["reason_code"], r["rejects"], one_line(r["example_message"]))
             for r in status.rejects],
        ))
    else:
        lines.append("  none")

    lines += ["", "Files"]
    if status.files:
        lines += indent(render_table(
            ["status", "files", "read", "loaded", "duplicates", "rejected", "last loaded (UTC)"],
            [(f["status"], f["files"], f["records_read"], f["records_loaded"],
              f["duplicates_skipped"], f["records_rejected"], short_time(f["last_loaded_at"]))
             for f in status.files],
            null="",
        ))
    else:
        lines.append("  none")
    return lines


def describe_steps(steps: list[dict]) -> str:
    parts = []
    for step in steps:
        what = step["step"]
        if step["target"] and step["step"] != "generate":
            what += f" {step['target']}"
        if step["steps"] > 1:
            what += f" ({step['steps']} files)" if step["step"] == "ingest" else f" ({step['steps']} steps)"
        parts.append(f"{what} {step['row_count']:,}")
    return " · ".join(parts)


def indent(text: str) -> list[str]:
    return ["  " + line for line in text.splitlines()]


def short_time(value: str | None) -> str | None:
    """2026-03-01T05:59:08.307764Z as 2026-03-01 05:59:08."""
    if not value:
        return value
    return value.replace("T", " ")[:19]


def one_line(value: str | None, width: int = 100) -> str | None:
    if value is None:
        return None
    flat = " ".join(value.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
