"""The DuckDB side of ``warehouse bench``: the DuckDB engine on the same file as SQLite,
and the DuckDB SQL-only star as a peer of ``--compare``.

- ``measure_engine``: ``warehouse ingest`` then ``warehouse transform`` of the size's
  file into ``duckdb:///<folder>/warehouse.duckdb``, each in a fresh child (the workers
  SQLite's steps use), with the engine's own ``memory_limit`` and ``threads`` (the
  ingest's own while it ingests).
- the ``duckdb-star`` worker (``workers._work_duckdb_star``): ``sql/bench/duckdb_star.sql``, what an
  analyst who knows DuckDB writes instead (read_json, latest attributes per key, a fact in
  cents, one Gold view), run with DuckDB's defaults. ``end_to_end`` puts SQLite's and the
  DuckDB engine's ingest + transform beside it as ratios (engine ÷ star).

Skipped, saying so, when the ``[duckdb]`` extra is not installed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ecommerce_warehouse.bench import workers


def available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("duckdb", "duckdb_engine"))


def database_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}.wal")) if p.exists())


def measure_engine(folder: Path, json_path: str, lines: int, timeout: float | None,
                   say: Callable[[str], None], figures: Callable[..., dict]) -> dict:
    """The DuckDB engine's ingest and transform of the file: each step's figures."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "warehouse.duckdb"
    db = f"duckdb:///{path}"
    say(f"[{lines:,}] DuckDB engine: ingest ...")
    ing = workers.run_in_child("ingest", timeout, db=db, paths=[json_path])
    say(f"[{lines:,}] DuckDB engine: ingested in {ing['seconds']:.2f} s; transform ...")
    tra = workers.run_in_child("transform", timeout, db=db)
    say(f"[{lines:,}] DuckDB engine: transformed in {tra['seconds']:.2f} s")
    steps = {
        "ingest": figures(ing["seconds"], ing["records_read"], ing["peak_rss_bytes"],
                          records_loaded=ing["records_loaded"]),
        "transform": figures(tra["seconds"], tra["staged_rows"], tra["peak_rss_bytes"],
                             rows_changed=tra["rows_changed"]),
    }
    steps["total"] = figures(ing["seconds"] + tra["seconds"], lines,
                             max(ing["peak_rss_bytes"], tra["peak_rss_bytes"]))
    from ecommerce_warehouse.engines.duckdb_config import ingest_settings, settings

    config, ingesting = settings(), ingest_settings("records")
    return {"steps": steps, "database_bytes": database_bytes(path), "tables": tra["tables"],
            "memory_limit": config["memory_limit"], "threads": config["threads"],
            "ingest_memory_limit": f"{ingesting['memory_limit']} loading records, "
                                   f"{ingest_settings('copies')['memory_limit']} checking duplicates",
            "ingest_threads": ingesting["threads"],
            "counts_match": ing["records_loaded"] == lines and tra["tables"].get("fact_orders") == lines}


def end_to_end(star_seconds: float, sqlite_steps: dict, duckdb_run: dict | None) -> dict:
    """Each engine's ingest + transform as a ratio to the star's seconds (engine ÷ star)."""
    found = {"sqlite": round((sqlite_steps["ingest"]["seconds"] + sqlite_steps["transform"]["seconds"])
                             / star_seconds, 3)}
    if duckdb_run is not None:
        found["duckdb"] = round(duckdb_run["steps"]["total"]["seconds"] / star_seconds, 3)
    return found
