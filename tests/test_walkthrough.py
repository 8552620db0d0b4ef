"""`warehouse walkthrough`: the built-in scenario, step by step, for a projector.

End to end through a real pseudo-terminal of 80x24 (pexpect): each step's title, one
screen per step that fits 80x24 (cleared between steps), the keys at a pause (Enter, b,
s, x, q, Ctrl-D), colour on a terminal but not with NO_COLOR or TERM=dumb, the counts it
shows. The rest through CliRunner and the library: the warehouse it builds, --step,
--no-pause, --handout, the exercises' answers, q to stop (rolling back day 1's open
transform), and the files it refuses to replace.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import VIEW_FILES, load, rows
from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.classroom import scenario, screen, walkthrough
from ecommerce_warehouse.classroom.presenter import answer_command
from ecommerce_warehouse.cli import warehouse
from faults_helpers import ctrl_c_as_in_a_terminal

try:
    import pexpect
except ImportError:  # the CliRunner tests still run
    pexpect = None

PROJECT = Path(__file__).resolve().parents[1]
WAREHOUSE = Path(sys.executable).with_name("warehouse")
needs_terminal = pytest.mark.skipif(
    pexpect is None or not WAREHOUSE.exists(),
    reason="needs pexpect and the installed `warehouse` script (pip install -e '.[test]')")
TITLES = walkthrough.step_titles()
STEPS = walkthrough.LESSON
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def visible_lines(text: str) -> list[str]:
    return ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def batch_counts(db: Path) -> dict[int, int]:
    return dict(rows(db, "select batch_id, count(*) from raw_transactions group by batch_id"))


def spawn(*args: str, cwd: Path, **env: str):
    environment = {"TERM": "xterm-256color", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **env}
    return pexpect.spawn(str(WAREHOUSE), ["walkthrough", *args], cwd=str(cwd), encoding="utf-8",
                         dimensions=(24, 80), timeout=60, env=environment,
                         preexec_fn=ctrl_c_as_in_a_terminal())


def screens(output: str) -> list[list[str]]:
    """What the terminal showed, screen by screen (split where it was cleared)."""
    return [visible_lines(chunk) for chunk in output.split(screen.CLEAR)[1:]]


def assert_fits(shown: list[list[str]], what: str) -> None:
    for number, lines in enumerate(shown):
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        assert len(lines) <= 24, f"{what}: screen {number} has {len(lines)} lines:\n" + "\n".join(lines)
        wide = [line for line in lines if len(line) > 80]
        assert not wide, f"{what}: screen {number} has a line wider than 80 columns: {wide[0]!r}"


def at_pause(child, number: int) -> str:
    """Wait for the pause after step ``number``; what was shown since the last wait."""
    prompt = f"Enter: step {number + 1} of {len(TITLES)}" if number < len(TITLES) else "End: Enter or q"
    child.expect_exact(prompt)
    return child.before + child.after


# --- through a real terminal of 80x24 --------------------------------------------------------

@needs_terminal
def test_walkthrough_in_a_pseudo_terminal(tmp_path: Path):
    db = tmp_path / "walk.db"
    child = spawn("--db", str(db), cwd=tmp_path)
    shown = []
    sql_pages = {}
    for number, title in enumerate(TITLES, start=1):
        child.expect_exact(f"Step {number} of {len(TITLES)} · {title}")
        shown.append(child.before + child.after)
        shown.append(at_pause(child, number))
        step = STEPS[number - 1]
        if step.sql is not None:                      # s: the SQL file, a page at a time
            child.send("s")
            child.expect_exact("q: back to the step")
            sql_pages[number] = child.before + child.after
            shown.append(sql_pages[number])
            child.send("q")
            shown.append(at_pause(child, number))
        child.send("x")                               # x: the exercise
        child.expect_exact("Enter: back to the step")
        shown.append(child.before + child.after)
        assert step.exercise.question.split()[0] in ANSI.sub("", shown[-1])
        child.send("\r")
        shown.append(at_pause(child, number))
        child.send("\r")
    child.expect_exact("Done")
    shown.append(child.before + child.after)
    child.expect(pexpect.EOF)
    shown.append(child.before)
    child.close()
    assert child.exitstatus == 0, shown[-1][-2000:]
    output = "".join(shown)

    assert "\x1b[" in output and COLOUR.search(output), "no colour on a terminal"
    assert_fits(screens(output), "80x24")
    text = "\n".join(visible_lines(output))

    # the SQL shown is the file that runs: its first lines, as in the file, on the page s opens
    for name, number in (("schema/fact_orders", 2), ("transform/dim_users", 6),
                         ("transform/fact_orders", 9), ("ingest/mark_later_copies", 11)):
        first = sqlfiles.read_text(name, "sqlite").splitlines()[0]
        assert first[:60] in ANSI.sub("", sql_pages[number]), name
    merge = sqlfiles.read_text("transform/dim_users", "sqlite").splitlines()
    at = next(i for i, line in enumerate(merge, start=1) if line.startswith("on conflict (user_id)"))
    assert re.search(rf"\b{at} │ on conflict \(user_id\)", ANSI.sub("", sql_pages[12]))

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
def test_b_goes_back_without_running_a_step_again(tmp_path: Path):
    db = tmp_path / "walk.db"
    child = spawn("--db", str(db), "--step", "3", cwd=tmp_path)
    at_pause(child, 3)
    child.send("\r")
    at_pause(child, 4)
    child.send("b")                                   # back to step 3's screen
    back = at_pause(child, 3)
    assert f"Step 3 of {len(TITLES)} · {TITLES[2]}" in back
    assert screen.CLEAR in back
    child.send("\r")                                  # forward again: step 4's screen, as it was
    again = at_pause(child, 4)
    assert f"Step 4 of {len(TITLES)}" in again
    child.send("\r")
    at_pause(child, 5)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert batch_counts(db) == {1: batch_counts(db)[1]}, "day 1 was loaded once"
    assert rows(db, "select count(*) from etl_files") == [(1,)]


@needs_terminal
def test_q_stops_and_rolls_back_the_open_transform(tmp_path: Path):
    db = tmp_path / "walk.db"
    child = spawn("--db", str(db), "--step", "7", cwd=tmp_path)
    child.expect_exact("✓ step  6")
    child.expect_exact(f"Step 7 of {len(TITLES)} · {TITLES[6]}")
    child.expect_exact(f"Enter: step 8 of {len(TITLES)}")
    child.send("q")
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


@needs_terminal
def test_ctrl_d_quits(tmp_path: Path):
    db = tmp_path / "walk.db"
    child = spawn("--db", str(db), "--step", "12", cwd=tmp_path)
    at_pause(child, 12)
    child.sendcontrol("d")
    child.expect_exact("Stopped.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert f"Step 13 of {len(TITLES)}" not in child.before


@needs_terminal
def test_ctrl_c_exits_130_saying_what_stays(tmp_path: Path):
    db = tmp_path / "walk.db"
    child = spawn("--db", str(db), "--step", "4", cwd=tmp_path)
    at_pause(child, 4)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    said = visible_lines(child.before)
    assert any(line.startswith("Error: interrupted (Ctrl-C): the walkthrough's warehouse stays as it is")
               for line in said), said[-5:]
    assert "Traceback" not in child.before and "Aborted" not in child.before
    assert rows(db, "select status, error from etl_runs") == [("failed", "interrupted (Ctrl-C)")]


@needs_terminal
@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}], ids=["NO_COLOR", "TERM=dumb"])
def test_no_colour_when_asked_and_no_clearing_on_a_dumb_terminal(tmp_path: Path, env):
    child = spawn("--db", str(tmp_path / "walk.db"), "--step", "13", cwd=tmp_path, **env)
    output = at_pause(child, 13)
    child.send("\r")
    output += at_pause(child, 14)
    child.send("q")
    child.expect(pexpect.EOF)
    output += child.before
    child.close()
    assert child.exitstatus == 0
    assert not COLOUR.search(output), "colour codes despite " + str(env)
    assert f"Step 14 of {len(TITLES)}" in output
    if env.get("TERM") == "dumb":
        assert screen.CLEAR not in output
    else:
        assert screen.CLEAR in output


# --- through CliRunner ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> tuple[Path, str]:
    """One whole walkthrough without pauses: its warehouse and what it printed."""
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
    # (three days of order lines; the page views' steps: days 1-2, then day 3; the change
    # events' step: a run per day)
    assert rows(db, "select command, status from etl_runs") == [("walkthrough", "succeeded")] * 8
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


def test_end_of_input_quits_as_ctrl_d_does(tmp_path: Path, cli):
    """Before issue 12 the end of input (Ctrl-D) ran every remaining step; now it quits."""
    result = cli.invoke(warehouse, ["walkthrough", "--db", str(tmp_path / "w.db"), "--step", "13"],
                        input="")
    assert result.exit_code == 0, result.output
    assert "Step 13 of" in result.output and "Stopped." in result.output
    assert "Step 14 of" not in result.output


def test_keys_from_a_pipe_one_line_each(tmp_path: Path, cli):
    """From a pipe: an empty line is Enter, s / x / b show the SQL, the exercise, the screen
    before; the end of the lines given ends the pauses as q would."""
    result = cli.invoke(warehouse, ["walkthrough", "--db", str(tmp_path / "w.db"), "--step", "12"],
                        input="s\nx\nb\n" + "\n" * (len(TITLES) - 11))     # Enter to the end
    assert result.exit_code == 0, result.output
    out = result.output
    assert "SQL  sql/transform/dim_users.sql" in out and "on conflict (user_id)" in out
    assert f"Exercise · step 12 · {TITLES[11]}" in out and "warehouse query --db" in out
    assert out.count(f"Step 12 of {len(TITLES)}") >= 3        # shown, after s, after x (b: none before)
    assert f"Step 14 of {len(TITLES)}" in out and "Done" in out


def test_running_again_recreates_the_warehouse(tmp_path: Path, cli, walked):
    db = tmp_path / "walk.db"
    shutil.copyfile(walked[0], db)                    # a whole walkthrough's warehouse (closed: no WAL)
    assert rows(db, "select count(*) from etl_runs") == [(8,)]
    result = cli.invoke(warehouse, ["walkthrough", "--db", str(db), "--step", "14", "--no-pause"])
    assert result.exit_code == 0, result.output
    # one walkthrough's: three days of order lines, the page views' two runs and the change
    # events' three; nine files
    assert rows(db, "select count(*) from etl_runs") == [(8,)]
    assert rows(db, "select count(*) from etl_files") == [(9,)]


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
    shown = [ANSI.sub("", line) for line in screen.sql_lines(original, 1, 80)]
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


def test_every_screen_fits_80_by_24_and_each_step_has_sql_or_says_none(walked):
    """Each step's screen, with the blank line and the prompt under it, fits 80x24."""
    _, output = walked
    parts = re.split(r"\n(?=(?:Walkthrough · .*\n)?━━ Step \d+ of)", output)
    steps = [part for part in parts if "━━ Step" in part]
    assert len(steps) == len(TITLES)
    for part in steps:
        lines = part.strip("\n").split("\n")
        if "━━ Done" in part:
            lines = lines[:next(i for i, line in enumerate(lines) if "━━ Done" in line)]
        while lines and not lines[-1].strip():
            lines.pop()
        assert len(lines) + 2 <= 24, "\n".join(lines)
        assert max(len(line) for line in lines) <= 80


def test_handout_prints_each_steps_sql_and_exercise(tmp_path: Path, cli):
    result = cli.invoke(warehouse, ["walkthrough", "--db", str(tmp_path / "w.db"), "--no-pause",
                                    "--handout"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("Exercise · step ") == len(TITLES)
    for name in ("schema/fact_orders", "transform/dim_users", "gold/gold_daily_sales"):
        for line in sqlfiles.read_text(name, "sqlite").splitlines()[:3]:
            assert line.split(" ", 1)[-1][:40] in out, (name, line)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Enter: step" not in out


def test_every_exercise_is_answered_by_its_query(walked, monkeypatch):
    """Each step's exercise: the command it prints, split into words by sh, runs with
    `warehouse query` on the walkthrough's warehouse and answers with at least one row.

    The first command of each form (SQL in quotes, --file sql/...) runs as a real process
    through the installed script; the others run in-process with the very words sh gave
    (a `warehouse query` process costs about 0.3 s of CPU to start)."""
    db, _ = walked
    monkeypatch.chdir(PROJECT)                        # --file sql/... is relative to the project
    forms_run_as_a_process = set()
    for number, step in enumerate(STEPS, start=1):
        command = " ".join(line.strip().removesuffix("\\").strip() for line in answer_command(str(db), step.exercise))
        form = bool(step.exercise.example)
        if form not in forms_run_as_a_process:
            forms_run_as_a_process.add(form)
            args = ["sh", "-c", command.replace("warehouse query", f"{WAREHOUSE} query", 1)]
            done = subprocess.run(args, cwd=PROJECT, capture_output=True, text=True, check=False)
            status, stdout, said = done.returncode, done.stdout, done.stdout + done.stderr
        else:
            words = subprocess.run(["sh", "-c", "printf '%s\\0' " + command], cwd=PROJECT, capture_output=True,
                                   text=True, check=True).stdout.split("\0")[:-1]
            assert words[:2] == ["warehouse", "query"], (number, words)
            result = CliRunner().invoke(warehouse, words[1:])
            status, stdout, said = result.exit_code, result.stdout, result.output + repr(result.exception)
        assert status == 0, f"step {number}: {command}\n{said}"
        counted = re.search(r"\((\d+) rows?\)", stdout)
        assert counted and int(counted.group(1)) >= 1, f"step {number} answers nothing:\n{stdout}"
    assert forms_run_as_a_process == {False, True}


def test_ideas_are_short_and_sql_comments_teach(walked):
    """An idea is at most five lines at 80 columns; the SQL files the steps show carry no
    measurements (those live in DESIGN.md and docs/BENCHMARKS.md)."""
    for step in STEPS:
        assert len(walkthrough.paragraph(step.idea, 80)) <= 5, step.title
        if step.sql is not None:
            text = sqlfiles.read_text(step.sql.name, "sqlite")
            for word in (" ms", " s per million", "measured", "+0.", "(3.40)", "faster"):
                assert word not in text, f"{step.sql.name} says {word!r}: an engineering note"


def test_sql_lines_are_never_cut_inside_a_word():
    for path in sorted((PROJECT / "sql").rglob("*.sql")):
        for width in (60, 72, 80):
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.rstrip().expandtabs(4)
                for cut in screen.break_points(line, width - 8, width - 16):
                    assert line[cut - 1] == " " or not re.match(r"\w", line[cut - 1]) \
                        or not re.match(r"\w", line[cut:cut + 1] or " "), (path.name, width, line, cut)
