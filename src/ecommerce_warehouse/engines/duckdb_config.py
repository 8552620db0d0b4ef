"""The settings every DuckDB connection opens with (the engine's and the readers' alike:
DuckDB lets a process hold one configuration per file)."""

from __future__ import annotations

import os

# DuckDB's buffer manager limit and worker threads, set on every connection. The limit
# bounds what DuckDB keeps in memory (it spills sorts and hash tables to a temporary
# folder beside the warehouse beyond it); two threads match a small machine. Both can be
# overridden by environment. 192 MB was too little: a 10,000,000-line file's ingest ran
# out of it (measured), and so did a 1,000,000-line transform while the fact had keys.
# A 3,000,000-line transform runs out of 256 MB, a 10,000,000-line one out of 512 MB
# (it passed in 1 GB): the transaction's own changes hold DuckDB's memory.
MEMORY_LIMIT = "512MB"
THREADS = 2
# An ingest loads its records one 5,000-row chunk at a time, between Python's decoding and
# judging: a second DuckDB thread only burnt CPU there (1,000,000 lines: 16.6 s of user
# CPU with two threads, 11.7 s with one), so the records load on INGEST_THREADS; the
# duplicate check after them is one big query and keeps THREADS (with one it took 3.2 s
# instead of 2.0 s). The records load under RECORDS_MEMORY_LIMIT: the transaction's own
# rows fill DuckDB's memory up to its limit before a row group goes to the file, so the
# limit sets the load's peak RSS (1M lines: 64 MB 215-223 MB, 128 MB 280-290 MB, 256 MB
# about 400 MB; read_json's 32 MiB buffer needs more than 32 MB). The duplicate check runs
# under INGEST_MEMORY_LIMIT: at 1M it passes in 96 MB, at 3M it needs more than 128 MB and
# passes in 256 MB; at 10M it ran out of 128 MB and passed in 1 GB (measured).
INGEST_THREADS = 1
RECORDS_MEMORY_LIMIT = "64MB"
INGEST_MEMORY_LIMIT = "256MB"
EXTRA = "pip install 'ecommerce-warehouse[duckdb]'"


def ingest_settings(step: str) -> dict[str, object]:
    """DuckDB's threads and memory limit for a step of an ingest: 'records' (their loading,
    under RECORDS_MEMORY_LIMIT) or 'copies' (the duplicate check, on the connection's own
    threads, under INGEST_MEMORY_LIMIT). ``WAREHOUSE_DUCKDB_INGEST_THREADS`` overrides
    INGEST_THREADS; ``WAREHOUSE_DUCKDB_INGEST_MEMORY_LIMIT`` sets both steps' limit."""
    records = step == "records"
    threads = (os.environ.get("WAREHOUSE_DUCKDB_INGEST_THREADS", INGEST_THREADS) if records
               else settings()["threads"])
    limit = RECORDS_MEMORY_LIMIT if records else INGEST_MEMORY_LIMIT
    return {
        "threads": int(threads),
        "memory_limit": os.environ.get("WAREHOUSE_DUCKDB_INGEST_MEMORY_LIMIT", limit),
    }


def settings() -> dict[str, object]:
    """The configuration every connection opens with."""
    return {
        "memory_limit": os.environ.get("WAREHOUSE_DUCKDB_MEMORY_LIMIT", MEMORY_LIMIT),
        "threads": int(os.environ.get("WAREHOUSE_DUCKDB_THREADS", THREADS)),
        # give freed memory back to the system beyond 64 MB instead of keeping up to 128 MiB
        # a thread cached: peak RSS, not only DuckDB's own accounting, stays near the limit.
        # 8 MB gave back, and faulted in again, read_json's buffer at every chunk of an
        # ingest: 1M lines, 995,000 page faults and 3.7 s of system CPU against 356,000 and
        # 2.7 s; peak RSS 400 against 390 MB, the 1M transform's 468 against 457 MB (measured)
        "allocator_flush_threshold": "64MB",
        "allocator_bulk_deallocation_flush_threshold": "64MB",
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "preserve_insertion_order": True,
        # `/` on two integers gives an integer, as on SQLite and PostgreSQL (DuckDB's own
        # `/` gives a double), so the shared SQL files compute the same answers
        "integer_division": True,
        # NULL sorts before every value, as on SQLite, so an ORDER BY (a window's too)
        # puts rows in the same order
        "default_null_order": "nulls_first_on_asc_last_on_desc",
    }


# Set on every connection as it opens (DuckDB takes them per connection, not in the
# configuration above): no progress bar, which DuckDB would draw on the terminal, into
# the command's own output, for a query longer than two seconds.
SESSION = ("set enable_progress_bar = false",)
