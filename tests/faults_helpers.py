"""Helpers for tests/test_faults.py: warehouse snapshots, CLI subprocesses, one-line errors,
and a child-process entry point that runs ``run_pipeline`` with a fault injected.

As a script (run by the tests in a subprocess)::

    python tests/faults_helpers.py child '<plan as JSON>' -- <run_pipeline arguments>

runs the real ``run_pipeline`` command after wrapping one point of the library (a hook)
so that, at its Nth call, the process writes a marker line (what it hit) to
``plan["marker"]`` and then either kills itself with SIGKILL (``"action": "kill"``) or
sleeps ``plan["seconds"]`` (``"action": "pause"``, to hold the run lock).

Hooks (``plan["hook"]``), ``plan["when"]`` is "before" or "after" the wrapped call:

- ``step``: ``runs.Run.step`` (every named step: generate, ingest per file, transform per
  SQL file, checks), Nth call (``plan["n"]``);
- ``run_started``: after ``Run.__init__`` (the run row is committed, nothing else done);
- ``finish``: ``Run.finish`` (before it: the transform has committed, the run is not finished);
- ``file_counts``: after the Nth file's ``ingest/file_counts`` query, inside that file's
  still-open transaction (every record inserted and classified, not committed);
- ``advance_watermark``: after the watermark update, inside the transform's still-open
  transaction (everything done but the commit).

Only the standard library is imported at module level, so the script starts fast and the
tests can import these helpers without side effects.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ecommerce_warehouse.sources import SOURCES

HERE = Path(__file__).resolve()
BIN_DIR = Path(sys.executable).parent
DEFAULT_TIMEOUT = 90.0

# --- the warehouse's logical content -----------------------------------------------------

# Attribute columns only (no created_at / updated_at / loaded_at, no batch ids): the
# content two runs must agree on. Surrogate keys are compared through the natural keys
# they point at (fact → dimension joins), not as numbers.
STAR_QUERIES = {
    "dim_users": """
        select user_id, name, email, registration_date, is_inferred,
               name_version, email_version, registration_date_version
        from dim_users order by user_id""",
    "dim_products": """
        select product_id, product_name, category, list_price_cents, is_inferred,
               product_name_version, category_version, list_price_cents_version
        from dim_products order by product_id""",
    "dim_date": """
        select date_key, full_date, year, quarter, month, year_month, month_name,
               day_of_month, day_of_week, day_name, is_weekend
        from dim_date order by date_key""",
    "fact_orders": """
        select fact.transaction_id, fact.order_id, customer.user_id, product.product_id,
               fact.date_key, fact.quantity, fact.unit_price_cents, fact.total_amount_cents,
               fact.status, fact.order_timestamp
        from fact_orders as fact
        left join dim_users as customer on customer.user_key = fact.user_key
        left join dim_products as product on product.product_key = fact.product_key
        order by fact.transaction_id""",
}

BRONZE_QUERIES = {
    "raw_transactions": """
        select raw.record_number, raw.record_hash, raw.load_status,
               raw.reject_reason, raw.transaction_id, sha.sha256
        from raw_transactions as raw join etl_files as sha on sha.file_id = raw.batch_id
        order by sha.sha256, raw.record_number""",
    "etl_files_loaded": """
        select sha256, records_read, records_loaded, duplicates_skipped, records_rejected
        from etl_files where status = 'loaded' order by sha256""",
}


def connect(db) -> sqlite3.Connection:
    """A plain sqlite3 connection to the warehouse file, as a student would open it."""
    return sqlite3.connect(str(db), timeout=30, isolation_level=None)


def _digest(connection: sqlite3.Connection, sql: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in connection.execute(sql):
        digest.update(repr(row).encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()[:16]


def star_snapshot(db_or_connection) -> dict[str, tuple[int, str]]:
    """Row count and checksum of each star table's attribute columns."""
    return _snapshot(db_or_connection, STAR_QUERIES)


def bronze_snapshot(db_or_connection) -> dict[str, tuple[int, str]]:
    """Row count and checksum of Bronze and the loaded-file registry."""
    return _snapshot(db_or_connection, BRONZE_QUERIES)


def warehouse_state(db_or_connection) -> dict[str, tuple[int, str]]:
    """The warehouse's logical content: star tables and Bronze (not the run log)."""
    return {**star_snapshot(db_or_connection), **bronze_snapshot(db_or_connection)}


def _snapshot(db_or_connection, queries) -> dict[str, tuple[int, str]]:
    if isinstance(db_or_connection, sqlite3.Connection):
        return {name: _digest(db_or_connection, sql) for name, sql in queries.items()}
    connection = connect(db_or_connection)
    try:
        return {name: _digest(connection, sql) for name, sql in queries.items()}
    finally:
        connection.close()


def integrity(db) -> list[str]:
    """PRAGMA integrity_check's rows (['ok'] when the file is sound)."""
    connection = connect(db)
    try:
        return [row[0] for row in connection.execute("pragma integrity_check")]
    finally:
        connection.close()


def rows(db, sql: str, params=()) -> list[tuple]:
    connection = connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def scalar(db, sql: str, params=()):
    connection = connect(db)
    try:
        return connection.execute(sql, params).fetchone()[0]
    finally:
        connection.close()


_RECORD_COUNTS: dict[tuple[str, int, int], int] = {}


def record_count(path) -> int:
    """How many records a batch file holds, read independently of the loader."""
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _RECORD_COUNTS:
        if path.suffix.lower() == ".json":
            count = len(json.loads(path.read_text(encoding="utf-8-sig")))
        else:
            count = sum(1 for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip())
        _RECORD_COUNTS[key] = count
    return _RECORD_COUNTS[key]


def bronze_problems(db) -> list[str]:
    """Everything that breaks "Bronze holds whole files only, and nothing twice"."""
    problems = []
    connection = connect(db)
    try:
        loading = connection.execute("select file_id, path from etl_files where status = 'loading'").fetchall()
        if loading:
            problems.append(f"etl_files rows left 'loading': {loading}")
        per_batch = [row for source in SOURCES for row in connection.execute(f"""
            select raw.batch_id, files.path, files.status, count(*)
            from {source.bronze} as raw left join etl_files as files on files.file_id = raw.batch_id
            group by raw.batch_id""").fetchall()]
        for batch_id, path, status, count in per_batch:
            if status != "loaded":
                problems.append(f"batch {batch_id} ({path}) has {count} raw rows but status {status!r}")
            elif not Path(path).exists():
                problems.append(f"batch {batch_id}: cannot check, {path} does not exist")
            elif count != record_count(path):
                problems.append(f"batch {batch_id} ({path}) holds {count} raw rows, "
                                f"the file has {record_count(path)} records (a partial file)")
        empty_loaded = [row for source in SOURCES for row in connection.execute(f"""
            select file_id, path from etl_files as files
            where status = 'loaded' and source = '{source.name}'
              and not exists (select 1 from {source.bronze} as raw where raw.batch_id = files.file_id)""")]
        for file_id, path in empty_loaded:
            if Path(path).exists() and record_count(path) != 0:
                problems.append(f"file {file_id} ({path}) is 'loaded' but has no raw rows")
        twice = connection.execute("""
            select transaction_id, count(*) from raw_transactions
            where load_status = 'loaded' group by transaction_id having count(*) > 1 limit 5""").fetchall()
        if twice:
            problems.append(f"transaction_ids loaded more than once in Bronze: {twice}")
        fact_twice = connection.execute("""
            select transaction_id, count(*) from fact_orders
            group by transaction_id having count(*) > 1 limit 5""").fetchall()
        if fact_twice:
            problems.append(f"duplicate transaction_ids in fact_orders: {fact_twice}")
        sha_twice = connection.execute("""
            select sha256, count(*) from etl_files where status = 'loaded'
            group by sha256 having count(*) > 1""").fetchall()
        if sha_twice:
            problems.append(f"the same file loaded twice: {sha_twice}")
    finally:
        connection.close()
    return problems


def copy_warehouse(source: Path, target: Path) -> Path:
    """Copy a closed warehouse (its file and WAL, if any) to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        src = Path(str(source) + suffix)
        if src.exists():
            shutil.copyfile(src, str(target) + suffix)
    return target


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- subprocesses ------------------------------------------------------------------------

def console_script(name: str) -> list[str]:
    """The installed console script ``name`` (run_pipeline, warehouse) beside this Python."""
    found = shutil.which(name, path=str(BIN_DIR))
    if found:
        return [found]
    entry = {"run_pipeline": "run_pipeline_cli", "warehouse": "warehouse"}[name]
    code = (f"import sys; from ecommerce_warehouse.cli import {entry} as main; "
            f"sys.exit(main(prog_name={name!r}))")
    return [sys.executable, "-c", code]


def child_command(plan: dict, args: Sequence[str]) -> list[str]:
    """``run_pipeline args`` in a child Python with the fault ``plan`` injected."""
    return [sys.executable, str(HERE), "child", json.dumps(plan), "--", *map(str, args)]


def child_env(extra: dict | None = None) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in ("WAREHOUSE_DB", "WAREHOUSE_WAIT")}
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    env.update(extra or {})
    return env


@dataclass
class Outcome:
    """A finished subprocess: exit code, output and wall time."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def describe(self) -> str:
        return (f"$ {' '.join(self.args)}\nexit {self.returncode} after {self.seconds:.2f} s\n"
                f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}")


def ctrl_c_as_in_a_terminal(then=None):
    """Give the child the default Ctrl-C (SIGINT) action, as a shell at a terminal does.

    A shell without job control starts background commands with SIGINT ignored, and a
    child inherits that: a test suite started with ``make test &`` would otherwise see
    every child ignore the Ctrl-C the tests send. Used as a ``preexec_fn`` (``then``: another
    one to run after it)."""
    def preexec() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if then is not None:
            then()
    return preexec


def run(args: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, env: dict | None = None,
        **popen) -> Outcome:
    """Run a command to the end (killing it at ``timeout``) and capture its output."""
    args = [str(a) for a in args]
    began = time.monotonic()
    preexec = ctrl_c_as_in_a_terminal(popen.pop("preexec_fn", None))
    # The tests start children from the main thread only, so a preexec_fn is safe here.
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=child_env(env), preexec_fn=preexec, **popen)  # noqa: PLW1509
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        raise AssertionError(f"timed out after {timeout} s: {' '.join(args)}\n{stdout}\n{stderr}") from None
    return Outcome(args, process.returncode, stdout, stderr, time.monotonic() - began)


def start(args: Sequence[str], *, env: dict | None = None, **popen) -> subprocess.Popen:
    """Start a command in the background (stdout/stderr captured); see ``finish``."""
    preexec = ctrl_c_as_in_a_terminal(popen.pop("preexec_fn", None))
    process = subprocess.Popen([str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=child_env(env), preexec_fn=preexec, **popen)  # noqa: PLW1509
    process.began = time.monotonic()
    return process


def finish(process: subprocess.Popen, timeout: float = DEFAULT_TIMEOUT) -> Outcome:
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        raise AssertionError(f"timed out after {timeout} s: {process.args}\n{stdout}\n{stderr}") from None
    return Outcome(list(process.args), process.returncode, stdout, stderr,
                   time.monotonic() - process.began)


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.01, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def assert_one_line_error(outcome: Outcome, exit_code: int | set[int], *mentions: str) -> str:
    """The command failed with ``exit_code``, one line on stderr naming each of ``mentions``,
    and no traceback anywhere. Returns the line."""
    codes = {exit_code} if isinstance(exit_code, int) else set(exit_code)
    assert outcome.returncode in codes, f"expected exit {sorted(codes)}\n{outcome.describe()}"
    assert "Traceback" not in outcome.stderr + outcome.stdout, f"a traceback was printed\n{outcome.describe()}"
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected exactly one line on stderr, got {len(lines)}\n{outcome.describe()}"
    for mention in mentions:
        assert str(mention) in lines[0], f"the error does not name {mention}\n{outcome.describe()}"
    return lines[0]


def ignore_sigxfsz_and_limit_file_size(limit: int):
    """A preexec_fn: files this process writes cannot grow past ``limit`` bytes, and going
    past it returns EFBIG instead of killing the process with SIGXFSZ (a full disk)."""
    def preexec():
        import resource
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


# --- the child: run_pipeline with one fault injected -------------------------------------

def _install(plan: dict) -> None:
    from ecommerce_warehouse.load import ingest
    from ecommerce_warehouse.model import runs, transform
    hook = plan["hook"]
    wanted = int(plan.get("n", 1))
    when = plan.get("when", "after")
    calls = {"n": 0}

    def fire(info: dict) -> None:
        marker = plan.get("marker")
        if marker:
            with open(marker, "a", encoding="utf-8") as out:
                out.write(json.dumps({"hook": hook, "n": wanted, "when": when, **info}) + "\n")
                out.flush()
                os.fsync(out.fileno())
        if plan.get("action", "kill") == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(60)  # never reached
        time.sleep(float(plan.get("seconds", 0)))

    def counted() -> bool:
        calls["n"] += 1
        return calls["n"] == wanted

    if hook == "step":
        original_step = runs.Run.step

        def step(self, step, target, *args, **kwargs):
            hit = counted()
            if hit and when == "before":
                fire({"step": step, "target": target})
            original_step(self, step, target, *args, **kwargs)
            if hit and when == "after":
                fire({"step": step, "target": target})

        runs.Run.step = step
    elif hook == "run_started":
        original_init = runs.Run.__init__

        def init(self, *args, **kwargs):
            original_init(self, *args, **kwargs)
            if counted():
                fire({"run_id": self.run_id})

        runs.Run.__init__ = init
    elif hook == "finish":
        original_finish = runs.Run.finish

        def finish_(self, *args, **kwargs):
            hit = counted()
            if hit and when == "before":
                fire({"run_id": self.run_id})
            original_finish(self, *args, **kwargs)
            if hit and when == "after":
                fire({"run_id": self.run_id})

        runs.Run.finish = finish_
    elif hook == "file_counts":
        original_query = ingest.query_sql

        def query_sql(connection, name, params=None):
            result = original_query(connection, name, params)
            if name == "ingest/file_counts" and counted():
                rows = result.all()
                fire({"file_id": (params or {}).get("file_id")})
                return _Replay(rows)
            return result

        ingest.query_sql = query_sql
    elif hook == "advance_watermark":
        original_run_sql = transform.run_sql

        def run_sql(connection, name, params=None):
            changed = original_run_sql(connection, name, params)
            if name == "transform/advance_watermark" and counted():
                fire({"to_raw_id": (params or {}).get("to_raw_id")})
            return changed

        transform.run_sql = run_sql
    else:
        raise SystemExit(f"unknown hook {hook!r}")


class _Replay:
    """Stands in for a consumed result (``.one()``), for a hook that read it first."""

    def __init__(self, rows):
        self.rows = rows

    def one(self):
        (row,) = self.rows
        return row


def _child(argv: list[str]) -> int:
    plan = json.loads(argv[0])
    args = argv[argv.index("--") + 1:]
    _install(plan)
    from ecommerce_warehouse.cli import run_pipeline_cli
    return run_pipeline_cli.main(args=args, prog_name="run_pipeline", standalone_mode=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        sys.exit(_child(sys.argv[2:]))
    raise SystemExit(__doc__)
