"""The Bronze rows and the ways of loading them that ``postgres_bench`` times.

``SpilledRows`` holds a file's Bronze rows, built once as ingest builds them and pickled
chunk by chunk into a file; ``LOADERS`` are the paths that load them (ingest's COPY, the
same COPY in text format, row inserts, and reading them back alone); ``timed_load`` and
``timed_ingest`` time one load in one transaction, wall and CPU seconds, this process's
and (when readable) the server backend's.
"""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from ecommerce_warehouse import db as database
from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.engines import postgresql as postgres
from ecommerce_warehouse.engines.postgresql_copy import CopyRows
from ecommerce_warehouse.errors import WarehouseError
from ecommerce_warehouse.load.ingest import insert_columns
from ecommerce_warehouse.sources.transactions import SOURCE as TRANSACTIONS

INSERT_FILE = "ingest/insert_raw_transaction"


class PostgresBenchError(WarehouseError):
    """The PostgreSQL benchmark cannot run (or a load failed); the message says why."""


# --- the server backend's CPU ------------------------------------------------------------------

def backend_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) the server backend ``pid`` has used, if it runs on this
    machine and its /proc entry is readable; else None."""
    try:
        if not Path(f"/proc/{pid}/comm").read_text().startswith("postgres"):
            return None
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


# --- the rows, built once and spilled --------------------------------------------------------

class SpilledRows:
    """Bronze rows pickled chunk by chunk into a file: written once, read back per load."""

    def __init__(self, path: Path):
        self.path = path
        self.rows = 0
        self.chunks = 0

    def write(self, rows: Iterator[tuple], chunk_size: int) -> None:
        with open(self.path, "wb") as handle:
            chunk: list[tuple] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= chunk_size:
                    self._dump(handle, chunk)
                    chunk = []
            if chunk:
                self._dump(handle, chunk)

    def _dump(self, handle, chunk: list[tuple]) -> None:
        pickle.dump(chunk, handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.rows += len(chunk)
        self.chunks += 1

    def read(self) -> Iterator[list[tuple]]:
        with open(self.path, "rb") as handle:
            for _ in range(self.chunks):
                yield pickle.load(handle)  # noqa: S301 - our own file, written above


def build_bronze_rows(path: Path, batch: tuple, spill: SpilledRows) -> float:
    """Spill the Bronze rows of ``path`` as ingest builds them; return the seconds taken."""
    from ecommerce_warehouse.load import ingest
    from ecommerce_warehouse.load.reader import read_records

    began = time.perf_counter()
    judge = TRANSACTIONS.contract.judge
    records = enumerate(read_records(path, TRANSACTIONS.contract.decode_fast), start=1)
    spill.write((ingest.bronze_row(record, raw_id, batch, judge(record)) for raw_id, record in records),
                ingest.INSERT_CHUNK)
    return time.perf_counter() - began


# --- the loaders --------------------------------------------------------------------------------

class Loader(Protocol):
    """What a timed path does with the rows: ``run`` each chunk, then ``finish`` (or
    ``abort`` on an error, which ends a COPY in progress so the transaction can roll back)."""

    def run(self, rows: list[tuple]) -> None: ...

    def finish(self) -> None: ...

    def abort(self, exc: BaseException) -> None: ...


def copy_loader(connection: Connection) -> Loader:
    """Ingest's own path: db.bulk_writer with the COPY variant of the insert file."""

    insert = database.bulk_writer(connection, INSERT_FILE, insert_columns(TRANSACTIONS))
    if insert.format == "rows":
        raise PostgresBenchError(f"sql/{INSERT_FILE}.postgresql.sql is not a COPY, so there is "
                                 "no COPY path to time")
    return insert


def copy_text_loader(connection: Connection) -> Loader:
    """The same COPY, in text format."""

    (statement,) = sqlfiles.statements(INSERT_FILE, postgres.DIALECT)
    return CopyRows(connection, INSERT_FILE, statement, insert_columns(TRANSACTIONS), binary=False)


def row_inserts_loader(connection: Connection) -> Loader:
    """Row inserts: the portable insert file, run by db.bulk_writer as any statement file is
    (compiled for psycopg once, executemany of each chunk; psycopg 3 pipelines it)."""
    (statement,) = sqlfiles.statements(INSERT_FILE, "portable")   # no twin of that name: the .sql
    return database.bulk_writer(connection, INSERT_FILE, insert_columns(TRANSACTIONS), statement=statement)


class _ReadBack:
    """Nothing loaded: the time to read the spilled rows back, which every path includes."""

    def __init__(self, _connection: Connection):
        pass

    def run(self, rows: list[tuple]) -> None:
        pass

    def finish(self) -> None:
        pass

    def abort(self, exc: BaseException) -> None:
        pass


LOADERS: dict[str, Callable[[Connection], Loader]] = {
    "copy": copy_loader, "copy_text": copy_text_loader, "inserts": row_inserts_loader, "read_back": _ReadBack,
}


# --- one timed load ---------------------------------------------------------------------------

def _backend_pid(connection: Connection) -> int:
    return connection.execute(text("select pg_backend_pid()")).scalar_one()


def timed_load(engine: Engine, path_name: str, spill: SpilledRows) -> dict:
    """Load the spilled rows with one path in one transaction; its seconds and CPU seconds
    (reading the rows back included: a COPY stores rows on the server meanwhile)."""
    make = LOADERS[path_name]
    with database.write_transaction(engine) as connection:
        pid = _backend_pid(connection)
        server_before = backend_cpu_seconds(pid)
        wall, clock = time.perf_counter(), time.process_time()
        load = make(connection)
        try:
            for chunk in spill.read():
                load.run(chunk)
            load.finish()
        except BaseException as exc:
            load.abort(exc)
            raise
    seconds = time.perf_counter() - wall           # the commit included
    cpu = time.process_time() - clock
    server_after = backend_cpu_seconds(pid)
    server = None if server_before is None or server_after is None else server_after - server_before
    return {"seconds": seconds, "client_cpu_seconds": cpu, "server_cpu_seconds": server}


def timed_ingest(engine: Engine, file_path: Path) -> dict:
    """The whole ingest_file of the generated file (its own transaction and registry row)."""
    from ecommerce_warehouse.load.ingest import ingest_file

    pid, server_before = _pooled_backend(engine)
    wall, clock = time.perf_counter(), time.process_time()
    result = ingest_file(engine, file_path, TRANSACTIONS)
    seconds, cpu = time.perf_counter() - wall, time.process_time() - clock
    if result.status != "loaded":
        raise PostgresBenchError(f"ingest of {file_path} ended {result.status}: {result.error}")
    # ingest ran on the engine's one pooled connection when the backend is the same after it
    pid_after, server_after = _pooled_backend(engine)
    server = None
    if pid_after == pid and server_before is not None and server_after is not None:
        server = server_after - server_before
    return {"seconds": seconds, "client_cpu_seconds": cpu, "server_cpu_seconds": server,
            "file_id": result.file_id, "records_read": result.records_read}


def _pooled_backend(engine: Engine) -> tuple[int, float | None]:
    with engine.connect() as connection:
        pid = _backend_pid(connection)
    return pid, backend_cpu_seconds(pid)


def empty_bronze(engine: Engine, ingested_file_id: int | None = None) -> None:
    """Empty Bronze (and the rejects that point at it) between loads, outside the timing;
    forget an ingested file's registry row so the next round can ingest it again."""
    with database.write_transaction(engine) as connection:
        connection.execute(text("truncate table raw_transactions, rejected_records"))
        if ingested_file_id is not None:
            connection.execute(text("delete from etl_files where file_id = :file_id"),
                               {"file_id": ingested_file_id})


def copy_format(engine: Engine) -> str:
    """The format ingest's COPY uses on this warehouse ('binary' or 'text')."""

    with database.write_transaction(engine) as connection:
        insert = database.bulk_writer(connection, INSERT_FILE, insert_columns(TRANSACTIONS))
        return insert.format if insert.format != "rows" else "none"
