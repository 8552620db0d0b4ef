"""`warehouse walkthrough`: the built-in scenario, step by step.

End to end through a real pseudo-terminal (pexpect): each step's title, Enter between
steps, the counts it shows, colour on a terminal and no line wider than 80 columns.
The rest through CliRunner and the library: the warehouse it builds, --step, --no-pause,
q to stop (rolling back day 1's open transform), and the files it refuses to replace.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pytest

from conftest import VIEW_FILES, load, rows
from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.classroom import scenario, walkthrough
from ecommerce_warehouse.cli import warehouse

try:
    import pexpect
except ImportError:  # the CliRunner tests still run
    pexpect = None

WAREHOUSE = Path(sys.executable).with_name("warehouse")
needs_terminal = pytest.mark.skipif(
    pexpect is None or not WAREHOUSE.exists(),
    reason="needs pexpect and the installed `warehouse` script (pip install -e '.[test]')")
TITLES = walkthrough.step_titles()
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def visible_lines(text: str) -> list[str]:
    return ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def batch_counts(db: Path) -> dict[int, int]:
    return dict(rows(db, "select batch_id, count(*) from raw_transactions group by batch_id"))


def spawn(*args: str, cwd: Path):
    child = pexpect.spawn(str(WAREHOUSE), ["walkthrough", *args], cwd=str(cwd), encoding="utf-8",
                          dimensions=(40, 80), timeout=60,
                          env={"TERM": "xterm-256color", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    return child


# --- through a real terminal ---------------------------------------------------------------

@needs_terminal
def test_walkthrough_in_a_pseudo_terminal(tmp_path: Path):
    db = tmp_path / "walk.db"
    child = spawn("--db", str(db), cwd=tmp_path)
    shown = []
    for number, title in enumerate(TITLES, start=1):
        child.expect_exact(f"Step {number} of {len(TITLES)} · {title}")
        shown.append(child.before + child.after)
        if number < len(TITLES):
            child.expect_exact(f"Enter: step {number + 1} of {len(TITLES)}")
            shown.append(child.before + child.after)
            child.send("\r")
    child.expect(pexpect.EOF)
    shown.append(child.before)
    child.close()
    assert child.exitstatus == 0, shown[-1][-2000:]
    output = "".join(shown)

    assert "\x1b[" in output, "no colour on a terminal"
    lines = visible_lines(output)
    too_wide = [line for line in lines if len(line) > 80]
    assert not too_wide, f"{len(too_wide)} line(s) wider than 80 columns, e.g. {too_wide[0]!r}"
    text = "\n".join(lines)

    # the SQL shown is the file that runs: its first line, as in the file
    for name in ("schema/fact_orders", "transform/dim_users", "transform/fact_orders",
                 "ingest/mark_later_copies"):
        first = sqlfiles.read_text(name, "sqlite").splitlines()[0]
        assert first[:60] in text, name

    # the counts shown are the warehouse's
    per_batch = batch_counts(db)
    day1, day2, day3 = per_batch[1], per_batch[2], per_batch[3]
    assert re.search(rf"raw_transactions\s+0 → {day1}\b", text)
    assert re.search(rf"raw_transactions\s+{day1} → {day1 + day2}\b", text)
    assert re.search(rf"raw_transactions\s+{day1 + day2} → {day1 + day2 + day3}\b", text)
    assert re.search(r"rejected_transactions\s+0 → 4\b", text)
    assert re.search(r"rejected_transactions\s+4 → 6\b", text)
    facts = dict(rows(db, "select batch_id, count(*) from fact_orders group by batch_id"))
    assert re.search(rf"fact_orders\s+0 → {facts[1]}\b", text)
    assert re.search(rf"fact_orders\s+{facts[1]} → {facts[1] + facts[2]}\b", text)
    assert re.search(rf"fact_orders\s+{facts[1] + facts[2]} → {sum(facts.values())}\b", text)
    assert re.search(r"dim_users\s+0 → 1\b", text)
    assert re.search(r"name\s+Ada Byron → Ada Lovelace", text)
    assert re.search(r"email\s+ada\.byron@example\.com → ada\.lovelace@example\.org", text)
    assert re.search(r"TX-GUEST-1\s+-1\b", text)
    assert re.search(r"TX-LATE-1\s+2025-03-01T21:15:00\.000000Z\s+20250301\s+3\b", text)
    assert re.search(r"before the commit\s+0\b", text)
    assert re.search(rf"after the commit\s+{facts[1]}\b", text)


@needs_terminal
def test_q_stops_and_rolls_back_the_open_transform(tmp_path: Path):
    db = tmp_path / "walk.db"
    child = spawn("--db", str(db), "--step", "7", cwd=tmp_path)
    child.expect_exact("✓ step  6")
    child.expect_exact(f"Step 7 of {len(TITLES)} · {TITLES[6]}")
    child.expect_exact(f"Enter: step 8 of {len(TITLES)}")
    child.send("q\r")
    child.expect_exact("Stopped.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # steps 6 and 7 ran in day 1's open transform transaction: none of it was kept
    assert rows(db, "select count(*) from dim_users") == [(1,)]
    assert rows(db, "select count(*) from dim_products") == [(1,)]
    assert rows(db, "select count(*) from raw_transactions")[0][0] == batch_counts(db)[1] > 0
    assert rows(db, "select command, status, error from etl_runs") == [
        ("walkthrough", "failed", "stopped by the reader")]


# --- through CliRunner ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> tuple[Path, str]:
    """One whole walkthrough without pauses: its warehouse and what it printed."""
    from click.testing import CliRunner

    db = tmp_path_factory.mktemp("walkthrough") / "walk.db"
    result = CliRunner().invoke(warehouse, ["walkthrough", "--db", str(db), "--no-pause"])
    assert result.exit_code == 0, result.output
    return db, result.output


def test_no_pause_output_fits_80_columns_without_colour(walked):
    _, output = walked
    assert "\x1b[" not in output
    assert max(len(line) for line in output.splitlines()) <= 80
    for number, title in enumerate(TITLES, start=1):
        assert f"Step {number} of {len(TITLES)} · {title}" in output
    assert "Enter: step" not in output


def test_the_scenario_teaches_what_it_promises(walked):
    db, _ = walked
    assert rows(db, "select name, email from dim_users where user_id = ?", (scenario.ADA_ID,)) == [
        ("Ada Lovelace", "ada.lovelace@example.org")]
    guest = rows(db, "select user_key from fact_orders where transaction_id = 'TX-GUEST-1'")
    assert guest == [(-1,)]
    late = rows(db, "select f.date_key, e.path from fact_orders f join etl_files e "
                    "on e.file_id = f.batch_id where f.transaction_id = 'TX-LATE-1'")
    assert late[0][0] == 20250301 and late[0][1].endswith("transactions_20250303.json")
    rejects = rows(db, "select transaction_id, reason_code from rejected_transactions order by raw_id")
    assert rejects == [("TX-BAD-1", "wrong_type"), ("TX-BAD-2", "bad_timestamp"),
                       ("TX-BAD-3", "unknown_status"), ("TX-ADA-1", "conflicting_duplicate"),
                       ("TX-BAD-4", "too_many_decimals"), ("TX-BAD-5", "missing_field")]
    assert rows(db, "select count(*) from raw_transactions where load_status = 'duplicate'") == [(1,)]
    total = rows(db, "select count(*) from raw_transactions")[0][0]
    assert 200 <= total <= 400, "a few hundred lines"
    # every run is the walkthrough's, every one succeeded, and the checks passed
    assert rows(db, "select command, status from etl_runs") == [("walkthrough", "succeeded")] * 3
    assert rows(db, "select count(*) from dq_check_results where status = 'fail'") == [(0,)]
    # the dimensions agree with the Silver views that state the same rule over all history
    assert rows(db, "select user_id, name, email from dim_users where user_key <> -1 "
                    "except select user_id, name, email from silver_users_latest") == []
    views = {name for (name,) in rows(db, "select name from sqlite_master where type = 'view'")}
    assert views == {name.split("/")[-1] for name in VIEW_FILES}


def test_step_jumps_ahead_running_the_steps_before_it_quietly(tmp_path: Path, cli, walked):
    db = tmp_path / "walk.db"
    result = cli.invoke(warehouse, ["walkthrough", "--db", str(db), "--step", "12", "--no-pause"])
    assert result.exit_code == 0, result.output
    assert "Step 11 of" not in result.output and "Step 12 of" in result.output
    assert "✓ step 11  " + TITLES[10] in result.output
    assert rows(db, "select count(*) from fact_orders") == rows(walked[0], "select count(*) from fact_orders")


def test_step_out_of_range_is_a_usage_error(tmp_path: Path, cli):
    result = cli.invoke(warehouse, ["walkthrough", "--db", str(tmp_path / "w.db"), "--step", "99"])
    assert result.exit_code == 2
    assert f"there are {len(TITLES)} steps" in result.output


def test_list_names_the_steps(cli):
    result = cli.invoke(warehouse, ["walkthrough", "--list"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == f" 1  {TITLES[0]}"
    assert len(result.output.splitlines()) == len(TITLES)


def test_end_of_input_stops_the_pauses(tmp_path: Path, cli):
    result = cli.invoke(warehouse, ["walkthrough", "--db", str(tmp_path / "w.db"), "--step", "13"],
                        input="")
    assert result.exit_code == 0, result.output
    assert "Step 14 of" in result.output


def test_running_again_recreates_the_warehouse(tmp_path: Path, cli):
    db = tmp_path / "walk.db"
    for _ in range(2):
        result = cli.invoke(warehouse, ["walkthrough", "--db", str(db), "--step", "14", "--no-pause"])
        assert result.exit_code == 0, result.output
    assert rows(db, "select count(*) from etl_runs") == [(3,)]
    assert rows(db, "select count(*) from etl_files") == [(3,)]


def test_refuses_the_main_warehouse(tmp_path: Path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli.invoke(warehouse, ["walkthrough", "--db", "data/warehouse/ecommerce_warehouse.db"])
    assert result.exit_code == 1
    assert "main warehouse" in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "data").exists()


def test_refuses_a_warehouse_it_did_not_build(tmp_path: Path, cli):
    db = tmp_path / "mine.db"
    load(db, Path(__file__).parent / "corpus" / "guest_checkout.jsonl")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = cli.invoke(warehouse, ["walkthrough", "--db", str(db), "--no-pause"])
    assert result.exit_code == 1
    assert "did not build" in result.output and result.output.count("\n") == 1
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_refuses_a_file_that_is_not_a_database(tmp_path: Path, cli):
    notes = tmp_path / "notes.db"
    notes.write_text("my notes, not a database\n", encoding="utf-8")
    result = cli.invoke(warehouse, ["walkthrough", "--db", str(notes), "--no-pause"])
    assert result.exit_code == 1
    assert notes.read_text(encoding="utf-8") == "my notes, not a database\n"


def test_refuses_a_url(cli):
    result = cli.invoke(warehouse, ["walkthrough", "--db", "postgresql+psycopg://u@h/db"])
    assert result.exit_code == 1 and "give a file path" in result.output


# --- pieces ----------------------------------------------------------------------------------------

def test_scenario_files_are_byte_identical_every_time(tmp_path: Path):
    first = scenario.write_scenario(tmp_path / "a")
    second = scenario.write_scenario(tmp_path / "b")
    assert [n for _, n in first] == [n for _, n in second]
    for (a, _), (b, _) in zip(first, second):
        assert a.name == b.name and a.read_bytes() == b.read_bytes()
    assert [p.name for p, _ in first] == [scenario.batch_name(d) for d in scenario.days()]


@pytest.mark.parametrize("name", ["transform/dim_users", "transform/dim_products", "gold/gold_daily_sales",
                                  "schema/raw_transactions", "ingest/mark_later_copies"])
def test_sql_is_shown_exactly_within_80_columns(name: str):
    """Wrapped and highlighted, the lines shown still spell the file, line for line."""
    original = sqlfiles.read_text(name, "sqlite").splitlines()
    shown = [ANSI.sub("", line) for line in walkthrough.sql_lines(original, 1, 80)]
    assert max(len(line) for line in shown) <= 80
    rebuilt: list[str] = []
    for line in shown:
        gutter, _, text = line.partition(" │ ")
        if gutter.strip() == "…":
            hang = len(rebuilt[-1]) - len(rebuilt[-1].lstrip()) + 4
            rebuilt[-1] += text[min(hang, (80 - len(gutter) - 3) // 2):]
        else:
            assert int(gutter) == len(rebuilt) + 1
            rebuilt.append(text)
    assert rebuilt == [line.rstrip() for line in original]
