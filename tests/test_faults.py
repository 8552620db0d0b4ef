"""Faults: kill -9 at every step and at random moments, two runs at once, a reader holding a
snapshot, a full disk, a read-only / corrupt / empty / missing warehouse or input, a killed
generator, and the durable SQLite settings.

Real processes die here, so most tests run the installed ``run_pipeline`` (or a child
Python running it with one fault injected, see ``faults_helpers.py``) as a subprocess.

The invariants checked after every fault:
- ``PRAGMA integrity_check`` is ok;
- the star tables (attribute columns, not load timestamps) hold either the state before
  the run or the state after a complete run, never anything in between;
- Bronze holds whole files only (each batch's raw rows = the file's records), no
  transaction_id is loaded twice, fact transaction_ids are unique;
- running again converges to the complete state.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from conftest import TRANSFORM_FILES, depth
from ecommerce_warehouse.generate import transactions as generator
from ecommerce_warehouse.pipeline import PipelineOptions, run_pipeline
from ecommerce_warehouse.sources import SOURCES
from ecommerce_warehouse.sources.transactions import SOURCE as TRANSACTIONS
from faults_helpers import (
    assert_one_line_error,
    bronze_problems,
    child_command,
    connect,
    console_script,
    copy_warehouse,
    file_digest,
    finish,
    ignore_sigxfsz_and_limit_file_size,
    integrity,
    rows,
    run,
    scalar,
    star_snapshot,
    start,
    wait_for,
    warehouse_state,
)

SEED = 11
LINES = 1200                 # order lines on an average day: ~4,600 lines in a run of 4 files
BOUNDARY_LINES = 300         # the step-boundary kills' own batches: every step still has work, each
#                              of the 73 kills and its rerun cost less (a kill lands at a hook, not a time)
DIRTY = 0.02
FIRST_DAY = date(2025, 3, 1)           # already in the "before" warehouse
RUN_START, RUN_END = date(2025, 3, 2), date(2025, 3, 5)
N_FILES = (RUN_END - RUN_START).days + 1
RANDOM_KILLS = depth(8, 30)          # kills that must land inside ingest or transform
MAX_RANDOM_ATTEMPTS = depth(24, 90)  # some land before the run row or after the commit (more on a busy machine, where a run's length varies): try again
RANDOM_SEED = 20250302
WAIT = "20"

RUN_PIPELINE = console_script("run_pipeline")
WAREHOUSE = console_script("warehouse")


# --- the prepared warehouses ---------------------------------------------------------------

@dataclass
class Prepared:
    """Batch files, a "before" warehouse and the state a complete run leaves behind."""

    root: Path
    first: Path                          # the batch already loaded in the "before" warehouse
    batches: list[Path]                  # the run's batch files (RUN_START .. RUN_END)
    before_db: Path
    before: dict = field(default_factory=dict)          # star + Bronze state before the run
    complete: dict = field(default_factory=dict)        # ... after a complete run
    before_runs: int = 0
    lines: int = LINES                                  # order lines on an average day

    @property
    def before_star(self):
        return {k: v for k, v in self.before.items() if k in STAR}

    @property
    def complete_star(self):
        return {k: v for k, v in self.complete.items() if k in STAR}

    def fresh(self, folder: Path) -> Path:
        """A copy of the "before" warehouse in ``folder``."""
        return copy_warehouse(self.before_db, folder / "warehouse.db")

    def input_args(self, db, batches=None, wait: str | None = WAIT) -> list[str]:
        args = ["--db", str(db)] + (["--wait", wait] if wait is not None else [])
        for path in self.batches if batches is None else batches:
            args += ["--input", str(path)]
        return args


STAR = ("dim_users", "dim_products", "dim_date", "fact_orders")


def generate_args(db: Path, raw_dir: Path, lines: int = LINES) -> list[str]:
    """run_pipeline arguments that generate the very files of Prepared.batches."""
    return ["--db", str(db), "--wait", WAIT, "--start", RUN_START.isoformat(),
            "--end", RUN_END.isoformat(), "--seed", str(SEED), "--transactions", str(lines),
            "--dirty-rate", str(DIRTY), "--raw-dir", str(raw_dir), "--no-events",
            "--no-changes"]


def load_in_process(db: Path, inputs=(), generate_into: Path | None = None, lines: int = LINES):
    """The whole pipeline in this process (to converge after a fault, or build references)."""
    options = PipelineOptions(
        db=str(db), start=RUN_START, end=RUN_END, seed=SEED, transactions=lines,
        raw_dir=generate_into or db.parent / "raw", inputs=tuple(inputs), dirty_rate=DIRTY,
        wait_seconds=30, events=False, changes=False,
    )
    result = run_pipeline(options)
    assert result.error is None, result.error
    return result


def prepare(root: Path, lines: int) -> Prepared:
    (first, _), = generator.generate(FIRST_DAY, FIRST_DAY, lines, SEED, root / "first", DIRTY)
    batches = [path for path, _ in generator.generate(RUN_START, RUN_END, lines, SEED, root / "batches", DIRTY)]
    before_db = root / "before" / "warehouse.db"
    load_in_process(before_db, [first], lines=lines)
    complete_db = copy_warehouse(before_db, root / "complete" / "warehouse.db")
    load_in_process(complete_db, batches, lines=lines)
    ready = Prepared(root, first, batches, before_db, warehouse_state(before_db),
                     warehouse_state(complete_db), scalar(before_db, "select count(*) from etl_runs"), lines)
    assert integrity(complete_db) == ["ok"] and bronze_problems(complete_db) == []
    for table in STAR:
        assert ready.before[table] != ready.complete[table], f"the run must change {table}"
    rejected = "select count(*) from rejected_transactions"
    assert scalar(complete_db, rejected) > scalar(before_db, rejected), "the run must reject some lines"
    return ready


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Prepared:
    return prepare(tmp_path_factory.mktemp("faults"), LINES)


@pytest.fixture(scope="module")
def boundary_prepared(tmp_path_factory) -> Prepared:
    """As ``prepared``, with BOUNDARY_LINES order lines a day: for the step-boundary kills."""
    return prepare(tmp_path_factory.mktemp("faults_boundary"), BOUNDARY_LINES)


def assert_sound(db: Path) -> None:
    assert integrity(db) == ["ok"]
    problems = bronze_problems(db)
    assert not problems, "\n".join(problems)


def state_name(prepared: Prepared, star: dict) -> str:
    if star == prepared.before_star:
        return "before"
    if star == prepared.complete_star:
        return "complete"
    return "IN BETWEEN: " + json.dumps({t: [star[t], prepared.before[t], prepared.complete[t]] for t in STAR})


def loaded_files(db: Path) -> int:
    return scalar(db, "select count(*) from etl_files where status = 'loaded'")


def assert_converges(prepared: Prepared, db: Path, generate_into: Path | None = None) -> None:
    """Running again (normally) brings the warehouse to the complete state."""
    if generate_into is None:
        load_in_process(db, prepared.batches, lines=prepared.lines)
    else:
        load_in_process(db, generate_into=generate_into, lines=prepared.lines)
    assert_sound(db)
    assert warehouse_state(db) == prepared.complete


# --- kill -9 at every named step boundary ---------------------------------------------------

# the order lines' steps, then those of each kind that follows them (page views' sessions
# follow the orders' revenue: their steps run over no page views of their own)
FOLLOWING_STEPS = [step for source in SOURCES if TRANSACTIONS.name in source.follows
                   for step in source.transform]
INPUT_STEPS = (["ingest"] * N_FILES + ["transform"] * (len(TRANSFORM_FILES) + len(FOLLOWING_STEPS))
               + ["checks"])


@dataclass(frozen=True)
class KillPoint:
    id: str
    plan: dict
    expect: str                  # the star state after the kill: "before" or "complete"
    new_files: int               # files of the run committed to Bronze when it dies
    step: str | None = None      # the step name the hook must have hit
    generate: bool = False       # run in generate mode (else --input the prepared batches)


def kill_points() -> list[KillPoint]:
    points = [KillPoint("run-row-committed", {"hook": "run_started"}, "before", 0)]
    for when in ("before", "after"):
        points.append(KillPoint(f"{when}-step01-generate", {"hook": "step", "n": 1, "when": when},
                                "before", 0, "generate", generate=True))
    for n, name in enumerate(INPUT_STEPS, start=1):
        files = min(n, N_FILES)
        for when in ("before", "after"):
            points.append(KillPoint(f"{when}-step{n:02d}-{name}", {"hook": "step", "n": n, "when": when},
                                    "before", files, name))
    points += [
        KillPoint("last-file-classified-not-committed", {"hook": "file_counts", "n": N_FILES},
                  "before", N_FILES - 1),
        KillPoint("watermark-advanced-not-committed", {"hook": "advance_watermark"}, "before", N_FILES),
        KillPoint("transform-committed-run-not-finished", {"hook": "finish", "when": "before"},
                  "complete", N_FILES),
        KillPoint("run-finished-summary-not-printed", {"hook": "finish", "when": "after"},
                  "complete", N_FILES),
    ]
    return points


KILL_POINTS = kill_points()


@pytest.mark.parametrize("point", KILL_POINTS, ids=[p.id for p in KILL_POINTS])
def test_kill_9_at_a_step_boundary_leaves_before_or_complete_and_a_rerun_converges(
        boundary_prepared, tmp_path, point):
    prepared = boundary_prepared
    db = prepared.fresh(tmp_path / "wh")
    marker = tmp_path / "marker.jsonl"
    raw_dir = tmp_path / "raw"
    args = generate_args(db, raw_dir, prepared.lines) if point.generate else prepared.input_args(db)

    outcome = run(child_command({**point.plan, "action": "kill", "marker": str(marker)}, args))

    assert outcome.returncode == -signal.SIGKILL, f"the kill point was never reached\n{outcome.describe()}"
    hit = json.loads(marker.read_text().splitlines()[0])
    if point.step:
        assert hit["step"] == point.step, f"step #{point.plan['n']} is {hit}, expected {point.step}"
    assert_sound(db)
    assert state_name(prepared, star_snapshot(db)) == point.expect
    assert loaded_files(db) == 1 + point.new_files
    if point.generate:
        assert sorted(p.name for p in raw_dir.glob("*.json")) == sorted(p.name for p in prepared.batches)

    assert_converges(prepared, db, raw_dir if point.generate else None)


# --- kill -9 at random moments --------------------------------------------------------------

def measure_work(prepared: Prepared, folder: Path) -> float:
    """Seconds a real run spends on its work (from opening the warehouse to its summary)."""
    seconds = []
    for attempt in range(2):
        db = prepared.fresh(folder / f"timing{attempt}")
        outcome = run([*RUN_PIPELINE, *prepared.input_args(db), "--json"])
        assert outcome.returncode == 0, outcome.describe()
        seconds.append(json.loads(outcome.stdout)["seconds"])
    return max(seconds)


def test_kill_9_at_random_moments_of_ingest_and_transform(prepared, tmp_path):
    """Each kill lands a random time (seeded) after the run has opened the warehouse (its
    lock file appears), drawn from the measured duration of a whole run's work; kills go on
    until RANDOM_KILLS have landed inside ingest or transform (30 at the deep depth)."""
    rng = random.Random(RANDOM_SEED)
    low, high = 0.0, measure_work(prepared, tmp_path) * 1.1
    seen: dict[str, int] = {}
    failures = []
    number = -1
    while (sum(n for moment, n in seen.items() if moment.startswith("killed during")) < RANDOM_KILLS
           and number + 1 < MAX_RANDOM_ATTEMPTS):
        number += 1
        delay = rng.uniform(low, high)
        db = prepared.fresh(tmp_path / f"kill{number:02d}")
        lock = Path(f"{db}.lock")
        process = start([*RUN_PIPELINE, *prepared.input_args(db)])
        wait_for(lambda lock=lock, process=process: lock.exists() or process.poll() is not None,
                 interval=0.002,
                 what="the run to open the warehouse")
        time.sleep(delay)
        process.kill()
        outcome = finish(process)
        where = f"kill #{number} {delay:.3f} s into the run (exit {outcome.returncode})"
        try:
            assert outcome.returncode in (-signal.SIGKILL, 0), outcome.describe()
            assert_sound(db)
            state = state_name(prepared, star_snapshot(db))
            assert state in ("before", "complete"), state
            runs = scalar(db, "select count(*) from etl_runs") - prepared.before_runs
            status = scalar(db, "select status from etl_runs order by run_id desc limit 1")
            files = loaded_files(db) - 1
            if outcome.returncode == 0:
                assert state == "complete"
                moment = "finished before the kill"
            elif runs == 0:
                moment = "killed before the run row was written"
            elif state == "complete":
                moment = f"killed after the transform committed (run {status})"
            elif files < N_FILES:
                moment = f"killed during ingest ({files} of {N_FILES} files committed)"
            else:
                moment = "killed during the transform"
            seen[moment] = seen.get(moment, 0) + 1
            assert_converges(prepared, db)
        except AssertionError as exc:
            failures.append(f"{where}: {exc}")
    summary = f"kill window {low:.2f}-{high:.2f} s into the run; outcomes: {json.dumps(seen, indent=1)}"
    print(summary)
    assert not failures, "\n\n".join(failures) + "\n" + summary
    mid_run = sum(n for moment, n in seen.items() if moment.startswith("killed during"))
    assert mid_run >= RANDOM_KILLS, f"too few kills landed inside ingest/transform: {summary}"


# --- two runs at once ------------------------------------------------------------------------

def pause_child(db: Path, args: list[str], marker: Path, seconds: float) -> subprocess.Popen:
    """run_pipeline that pauses after its first step (holding the run lock), then goes on."""
    plan = {"hook": "step", "n": 1, "when": "after", "action": "pause", "seconds": seconds,
            "marker": str(marker)}
    process = start(child_command(plan, args))
    wait_for(lambda: marker.exists() or process.poll() is not None, what="the first run to pause")
    assert marker.exists(), finish(process).describe()
    return process


def sequential(prepared: Prepared, folder: Path, *runs) -> dict:
    db = prepared.fresh(folder)
    for inputs in runs:
        load_in_process(db, inputs)
    return warehouse_state(db)


def jsonl_copy(source: Path, target: Path) -> Path:
    """The same records as another file (.jsonl): different bytes, same transaction_ids."""
    records = json.loads(source.read_text(encoding="utf-8"))
    target.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return target


@pytest.mark.parametrize("how", ["--wait", "WAREHOUSE_WAIT"])
def test_a_second_run_waits_then_fails_busy_with_exit_4(prepared, tmp_path, how):
    db = prepared.fresh(tmp_path / "wh")
    first = pause_child(db, prepared.input_args(db, prepared.batches[:2]), tmp_path / "paused", 3.0)

    args = prepared.input_args(db, prepared.batches[2:], wait=None)
    if how == "--wait":
        second = run([*RUN_PIPELINE, *args, "--wait", "0.5"])
    else:
        second = run([*RUN_PIPELINE, *args], env={"WAREHOUSE_WAIT": "0.5"})
    still_paused = first.poll() is None
    first_outcome = finish(first)

    line = assert_one_line_error(second, 4, "warehouse is busy", str(db))
    assert second.seconds >= 0.5, line
    assert still_paused, "the first run ended before the second gave up; the test proves nothing"
    assert first_outcome.returncode == 0, first_outcome.describe()
    assert_sound(db)
    assert warehouse_state(db) == sequential(prepared, tmp_path / "ref", prepared.batches[:2])
    assert scalar(db, "select count(*) from etl_runs") == prepared.before_runs + 1, "the busy run left a trace"


def test_a_second_run_with_a_long_wait_runs_after_the_first_like_sequential_runs(prepared, tmp_path):
    db = prepared.fresh(tmp_path / "wh")
    first_inputs = prepared.batches[:3]
    second_inputs = [jsonl_copy(prepared.batches[1], tmp_path / "transactions_again.jsonl"),
                     *prepared.batches[2:]]
    first = pause_child(db, prepared.input_args(db, first_inputs), tmp_path / "paused", 1.5)
    second = start([*RUN_PIPELINE, *prepared.input_args(db, second_inputs, wait="60")])

    first_outcome, second_outcome = finish(first), finish(second)

    assert first_outcome.returncode == 0, first_outcome.describe()
    assert second_outcome.returncode == 0, second_outcome.describe()
    assert_sound(db)
    runs = rows(db, "select run_id, started_at, finished_at, status from etl_runs where run_id > ?"
                    " order by run_id", (prepared.before_runs,))
    assert [r[3] for r in runs] == ["succeeded", "succeeded"], runs
    assert runs[1][1] >= runs[0][2], f"the runs interleaved: {runs}"
    assert warehouse_state(db) == sequential(prepared, tmp_path / "ref", first_inputs, second_inputs)
    duplicates = scalar(db, "select duplicates_skipped from etl_files where path = ?",
                        (str(tmp_path / "transactions_again.jsonl"),))
    assert duplicates > 0


def test_two_runs_started_together_both_succeed_like_sequential_runs(prepared, tmp_path):
    db = prepared.fresh(tmp_path / "wh")
    one, two = prepared.batches[:2], prepared.batches[1:]
    processes = [start([*RUN_PIPELINE, *prepared.input_args(db, inputs)]) for inputs in (one, two)]
    outcomes = [finish(p) for p in processes]

    for outcome in outcomes:
        assert outcome.returncode == 0, outcome.describe()
    assert_sound(db)
    first_params = scalar(db, "select parameters from etl_runs where run_id = ?", (prepared.before_runs + 1,))
    order = (one, two) if json.loads(first_params)["inputs"] == [str(p) for p in one] else (two, one)
    assert warehouse_state(db) == sequential(prepared, tmp_path / "ref", *order)
    assert warehouse_state(db) == prepared.complete


# --- a reader holding a long transaction -----------------------------------------------------

def test_a_reader_holding_a_snapshot_does_not_block_a_load_and_keeps_its_snapshot(prepared, tmp_path):
    db = prepared.fresh(tmp_path / "wh")
    reader = connect(db)
    try:
        reader.execute("begin")
        assert reader.execute("select count(*) from fact_orders").fetchone()[0] > 0
        assert warehouse_state(reader) == prepared.before

        load = run([*RUN_PIPELINE, *prepared.input_args(db)], timeout=60)

        assert load.returncode == 0, load.describe()
        assert reader.in_transaction
        assert warehouse_state(reader) == prepared.before, "the reader's snapshot moved"
        reader.execute("commit")
        assert warehouse_state(reader) == prepared.complete
    finally:
        reader.close()
    assert_sound(db)
    assert warehouse_state(db) == prepared.complete


# --- a full disk ----------------------------------------------------------------------------

def test_disk_full_while_loading_fails_with_exit_5_and_leaves_the_warehouse_unchanged(prepared, tmp_path):
    db = prepared.fresh(tmp_path / "wh")

    outcome = run([*RUN_PIPELINE, *prepared.input_args(db)],
                  preexec_fn=ignore_sigxfsz_and_limit_file_size(256 * 1024))

    assert_one_line_error(outcome, 5, str(db))
    assert_sound(db)
    assert warehouse_state(db) == prepared.before
    assert_converges(prepared, db)


def test_disk_full_while_run_pipeline_generates_is_a_one_line_error(prepared, tmp_path):
    """Regression: this used to print a traceback (exit 1) and leave the run 'running'."""
    db = prepared.fresh(tmp_path / "wh")
    raw_dir = tmp_path / "raw"

    outcome = run([*RUN_PIPELINE, *generate_args(db, raw_dir)],
                  preexec_fn=ignore_sigxfsz_and_limit_file_size(150_000))

    assert_one_line_error(outcome, {1, 5}, str(raw_dir))
    assert_sound(db)
    assert warehouse_state(db) == prepared.before
    assert not list(raw_dir.glob("transactions_*.json")), "a partial batch file under its final name"
    assert scalar(db, "select status from etl_runs order by run_id desc limit 1") == "failed"


def test_disk_full_while_warehouse_generate_writes_is_a_one_line_error_and_no_file(tmp_path):
    out = tmp_path / "raw"

    outcome = run([*WAREHOUSE, "generate", "--date", "2025-03-01", "--transactions", "1000",
                   "--seed", str(SEED), "--out", str(out)],
                  preexec_fn=ignore_sigxfsz_and_limit_file_size(100_000))

    assert_one_line_error(outcome, 1, str(out))
    assert list(out.iterdir()) == [], "a partial or temporary file was left behind"


# --- a warehouse that cannot be used --------------------------------------------------------

def ro_url(db: Path) -> str:
    return f"sqlite:///file:{db}?mode=ro&uri=true"


def test_a_read_only_warehouse_url_fails_with_exit_5_and_changes_nothing(prepared, tmp_path):
    db = prepared.fresh(tmp_path / "wh")
    digest = file_digest(db)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    args = prepared.input_args(ro_url(db))

    outcome = run([*RUN_PIPELINE, *args], cwd=cwd)

    line = assert_one_line_error(outcome, 5, str(db))
    assert "read-only" in line
    assert file_digest(db) == digest
    assert_sound(db)
    assert warehouse_state(db) == prepared.before


def test_a_sqlite_uri_creates_no_stray_folder_in_the_current_directory(prepared, tmp_path):
    """Regression: a file: URI used to create ./file:/<abs path>/ folders holding the lock file."""
    db = prepared.fresh(tmp_path / "wh")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    args = prepared.input_args(ro_url(db))

    run([*RUN_PIPELINE, *args], cwd=cwd)

    assert sorted(str(p.relative_to(cwd)) for p in cwd.rglob("*")) == []


def test_a_run_through_a_sqlite_uri_waits_for_a_run_through_the_path(prepared, tmp_path):
    """Regression: the URI form used to lock a different file and run alongside (exit 0)."""
    db = prepared.fresh(tmp_path / "wh")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    first = pause_child(db, prepared.input_args(db, prepared.batches[:2]), tmp_path / "paused", 3.0)
    args = prepared.input_args(f"sqlite:///file:{db}?uri=true", prepared.batches[2:], wait="0.5")

    second = run([*RUN_PIPELINE, *args], cwd=cwd)
    first_outcome = finish(first)

    assert first_outcome.returncode == 0, first_outcome.describe()
    assert_one_line_error(second, 4, "warehouse is busy")


def can_run_as_nobody() -> bool:
    try:
        probe = subprocess.run([sys.executable, "-c", "import ecommerce_warehouse"], user=65534,
                               group=65534, capture_output=True, timeout=60, cwd="/", check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def test_a_read_only_warehouse_file_fails_with_exit_5_and_changes_nothing(prepared, tmp_path):
    popen = {}
    if os.geteuid() == 0:
        if not can_run_as_nobody():
            pytest.skip("running as root: chmod 0o444 does not stop root's writes, and this Python "
                        f"({sys.executable}) cannot run as user nobody to drop privileges; the "
                        "read-only case is covered by the mode=ro URL test")
        popen = {"user": 65534, "group": 65534}
    folder = Path(os.path.realpath(tmp_path))
    db = prepared.fresh(folder / "wh")
    for path in (folder, db.parent):
        path.chmod(0o777)
    digest = file_digest(db)
    db.chmod(0o444)
    try:
        outcome = run([*RUN_PIPELINE, *prepared.input_args(db)], cwd="/", **popen)
    finally:
        db.chmod(0o644)

    assert_one_line_error(outcome, 5, str(db))
    assert file_digest(db) == digest
    assert_sound(db)
    assert warehouse_state(db) == prepared.before


def not_a_database(prepared: Prepared, db: Path) -> None:
    db.write_bytes(b"id,name\n1,this is a CSV file, not a warehouse\n" * 200)


def bad_header(prepared: Prepared, db: Path) -> None:
    copy_warehouse(prepared.before_db, db)
    with open(db, "r+b") as handle:
        handle.write(b"definitely not SQLite")


def truncated(prepared: Prepared, db: Path) -> None:
    copy_warehouse(prepared.before_db, db)
    os.truncate(db, db.stat().st_size // 2 + 100)


@pytest.mark.parametrize("damage", [not_a_database, bad_header, truncated],
                         ids=["not-sqlite", "corrupt-header", "truncated"])
def test_a_corrupt_or_foreign_db_file_fails_with_exit_5_and_is_left_as_it_was(prepared, tmp_path, damage):
    db = tmp_path / "wh" / "warehouse.db"
    db.parent.mkdir()
    damage(prepared, db)
    digest = file_digest(db)

    outcome = run([*RUN_PIPELINE, *prepared.input_args(db)])

    line = assert_one_line_error(outcome, 5, str(db))
    assert "not a SQLite warehouse" in line or "corrupt" in line, line
    assert file_digest(db) == digest
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0


def test_a_zero_byte_db_file_is_an_empty_warehouse_and_just_works(prepared, tmp_path):
    """SQLite treats a zero-byte file as an empty database (e.g. after `touch warehouse.db`):
    the run creates the schema and loads, exactly as into a new file."""
    db = tmp_path / "wh" / "warehouse.db"
    db.parent.mkdir()
    db.touch()

    outcome = run([*RUN_PIPELINE, *prepared.input_args(db, [prepared.first, *prepared.batches])])

    assert outcome.returncode == 0, outcome.describe()
    assert outcome.stderr == ""
    assert_sound(db)
    assert scalar(db, "pragma journal_mode") == "wal"
    reference = tmp_path / "ref" / "warehouse.db"
    load_in_process(reference, [prepared.first, *prepared.batches])
    assert warehouse_state(db) == warehouse_state(reference)
    assert star_snapshot(db) == prepared.complete_star


@pytest.mark.parametrize("case", ["missing-input", "folder-as-input", "folder-as-db", "file-as-db-folder"])
def test_a_bad_path_is_a_one_line_error_naming_it_and_changes_nothing(prepared, tmp_path, case):
    db = prepared.fresh(tmp_path / "wh")
    before = file_digest(db)
    inputs = list(prepared.batches)
    target_db = db
    if case == "missing-input":
        named = tmp_path / "no_such_batch.json"
        inputs.insert(1, named)
        code = 1
    elif case == "folder-as-input":
        named = tmp_path / "a_folder.json"
        named.mkdir()
        inputs.insert(1, named)
        code = 1
    elif case == "folder-as-db":
        named = target_db = tmp_path / "folder.db"
        named.mkdir()
        code = 5
    else:
        named = tmp_path / "not_a_folder"
        named.write_text("a file where the warehouse's folder should be\n")
        target_db = named / "warehouse.db"
        code = 5

    outcome = run([*RUN_PIPELINE, *prepared.input_args(target_db, inputs)])

    assert_one_line_error(outcome, code, str(named))
    assert file_digest(db) == before, "the warehouse file changed"
    if case == "folder-as-db":
        assert list(named.iterdir()) == []
    if case == "file-as-db-folder":
        assert named.read_text() == "a file where the warehouse's folder should be\n"


# --- a killed generator ----------------------------------------------------------------------

BIG = 20_000      # lines a day: a file takes about a second to write
DAY1, DAY2 = date(2025, 4, 1), date(2025, 4, 2)


@pytest.mark.parametrize("command", ["warehouse generate", "run_pipeline"])
def test_a_generator_killed_mid_write_leaves_no_partial_file_under_the_final_name(
        prepared, tmp_path, command):
    out = tmp_path / "raw"
    db = prepared.fresh(tmp_path / "wh")
    days = ["--start", DAY1.isoformat(), "--end", DAY2.isoformat(), "--seed", str(SEED),
            "--transactions", str(BIG)]
    if command == "warehouse generate":
        args = [*WAREHOUSE, "generate", *days, "--out", str(out)]
    else:
        args = [*RUN_PIPELINE, "--db", str(db), "--wait", WAIT, *days, "--raw-dir", str(out)]
    first, second = generator.batch_path(out, DAY1), generator.batch_path(out, DAY2)

    def second_day_half_written():
        return first.exists() and any(p.stat().st_size > 0 for p in out.glob(f".{second.name}.*"))

    process = start(args)
    wait_for(lambda: second_day_half_written() or process.poll() is not None, timeout=60,
             interval=0.005, what="the second day's file to be half written")
    process.kill()
    outcome = finish(process)

    assert outcome.returncode == -signal.SIGKILL, f"the generator finished first\n{outcome.describe()}"
    assert not second.exists(), "a partial file under its final name"
    records = json.loads(first.read_text(encoding="utf-8"))
    assert len(records) == generator.lines_for_day(DAY1, BIG)
    assert_sound(db)
    assert warehouse_state(db) == prepared.before


def test_generated_files_get_ordinary_permissions(tmp_path):
    """Regression: the temporary-name write used to leave batch files at mkstemp's mode 0600."""
    (path, _), = generator.generate(DAY1, DAY1, 10, SEED, tmp_path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


# --- durable settings ------------------------------------------------------------------------

def test_pipeline_connections_enforce_foreign_keys_use_wal_and_synchronous_normal(
        prepared, tmp_path, monkeypatch):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from ecommerce_warehouse import db as database
    from ecommerce_warehouse.load import ingest
    from ecommerce_warehouse.model import runs
    db = prepared.fresh(tmp_path / "wh")
    engine = database.open_engine(str(db))
    try:
        with engine.connect() as connection:
            pragmas = [connection.exec_driver_sql(f"pragma {name}").scalar()
                       for name in ("foreign_keys", "journal_mode", "synchronous")]
            assert pragmas == [1, "wal", 1]
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), engine.begin() as connection:
            connection.execute(text(
                "insert into fact_orders (user_key, product_key, date_key, transaction_id, order_id,"
                " quantity, unit_price_cents, total_amount_cents, status, order_timestamp, batch_id,"
                " loaded_at) values (424242, -1, 19000101, 'TX-X', 'O-X', 1, 1, 1, 'completed',"
                " '2025-03-01T00:00:00.000000Z', 1, 'now')"))
    finally:
        engine.dispose()
    assert scalar(db, "pragma journal_mode") == "wal", "WAL is not recorded in the file"

    # inside the real pipeline's own connections: each ingest's and the transform's
    seen = []

    def record(connection, where):
        seen.append((where, *(connection.exec_driver_sql(f"pragma {name}").scalar()
                              for name in ("foreign_keys", "journal_mode", "synchronous"))))

    original_query = ingest.query_sql
    original_step = runs.Run.step

    def query_sql(connection, name, params=None):
        if name == "ingest/file_counts":
            record(connection, "ingest")
        return original_query(connection, name, params)

    def step(self, step, target, row_count, seconds, connection=None):
        if connection is not None:
            record(connection, f"{step} {target}")
        return original_step(self, step, target, row_count, seconds, connection)

    monkeypatch.setattr(ingest, "query_sql", query_sql)
    monkeypatch.setattr(runs.Run, "step", step)
    load_in_process(db, prepared.batches)

    assert len(seen) == N_FILES + len(TRANSFORM_FILES) + len(FOLLOWING_STEPS) + 1, seen
    assert {row[1:] for row in seen} == {(1, "wal", 1)}, seen
    assert warehouse_state(db) == prepared.complete


# --- Ctrl-C ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("hook", "n", "new_files", "says"), [
    ("file_counts", 2, 1, f"1 of {N_FILES} files are loaded, each whole"),
    ("advance_watermark", 1, N_FILES, "the transform was rolled back"),
], ids=["during-ingest", "during-transform"])
def test_ctrl_c_exits_130_records_the_run_as_interrupted_and_a_rerun_continues(
        prepared, tmp_path, hook, n, new_files, says):
    """SIGINT (Ctrl-C) inside a file's open transaction, or inside the transform's: one line
    saying what was kept and that a rerun continues, exit 130 (not 1, an input problem),
    the run recorded as interrupted at once (not left 'running' until the next write)."""
    db = prepared.fresh(tmp_path / "wh")
    marker = tmp_path / "paused.jsonl"
    plan = {"hook": hook, "n": n, "when": "after", "action": "pause", "seconds": 60,
            "marker": str(marker)}
    process = start(child_command(plan, prepared.input_args(db)))
    wait_for(lambda: marker.exists() or process.poll() is not None, what="the run to pause")
    assert process.poll() is None, finish(process).describe()
    process.send_signal(signal.SIGINT)
    outcome = finish(process)

    line = assert_one_line_error(outcome, 130, "interrupted (Ctrl-C)", says, "again")
    assert "Aborted" not in line
    status, error = rows(db, "select status, error from etl_runs order by run_id desc limit 1")[0]
    assert status == "failed" and error == line.removeprefix("Error: ")
    assert scalar(db, "select count(*) from etl_runs where status = 'running'") == 0
    assert_sound(db)
    assert state_name(prepared, star_snapshot(db)) == "before"
    assert loaded_files(db) == 1 + new_files
    assert_converges(prepared, db)
