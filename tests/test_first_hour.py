"""A newcomer's first hour, following README.md: no surprises (issue 12).

Each test pins one thing a new user or a teacher hit: the lesson that changed the class's
numbers, `check` failing on lines that only wait for the transform, a mistyped --db that
reported all green, tracebacks for a folder that cannot be made, what the building
commands print, and the small ones (plurals, dates, messages, codes, encodings, keys).
Ctrl-C is pinned in tests/test_faults.py (it needs a real process and a signal).
"""

from __future__ import annotations

import codecs
import json
import re
import shlex
from datetime import date
from pathlib import Path

import pytest

from backends import backend, pg, warehouse  # noqa: F401  (fixtures)
from conftest import batch, line, load, rows
from ecommerce_warehouse import settings
from ecommerce_warehouse.cli import run_pipeline_cli
from ecommerce_warehouse.cli import warehouse as warehouse_cli
from ecommerce_warehouse.generate import transactions as generator
from ecommerce_warehouse.model.checks import every_check
from ecommerce_warehouse.sources import transactions

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def one_line_error(result, exit_code: int, *mentions: str) -> str:
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n" not in message, result.output
    for mention in mentions:
        assert mention in message, message
    return message


# --- 1. the README's lesson never changes the class's numbers ------------------------------

def readme_lesson() -> list[str]:
    """The commands of README.md's step-by-step lesson, in order."""
    start = README.index("Step by step, as in a lesson")
    block = README[README.index("```sh", start) + len("```sh"):README.index("```", README.index("```sh", start) + 5)]
    return [command.split("#")[0].strip() for command in block.strip().splitlines()]


def test_the_readme_lesson_works_in_its_own_folder_and_leaves_make_runs_warehouse_alone(
        cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sql").symlink_to(PROJECT / "sql")          # the lesson reads sql/examples/
    for name in ("WAREHOUSE_DB", "WAREHOUSE_SCHEMA"):
        monkeypatch.delenv(name, raising=False)
    built = cli.invoke(run_pipeline_cli, ["--date", "2025-03-01"])   # the class's warehouse, day 1
    assert built.exit_code == 0, built.output
    main_db = tmp_path / "data" / "warehouse" / "ecommerce_warehouse.db"
    clean_file = tmp_path / "data" / "raw" / "transactions_20250301.json"
    before = (main_db.read_bytes(), clean_file.read_bytes(),
              rows(main_db, "select sum(net_revenue_cents) from gold_daily_sales"))

    env = {}
    for command in readme_lesson():
        words = shlex.split(command)
        if words[0] == "export":
            name, value = words[1].split("=", 1)
            env[name] = value
            continue
        assert words[0] == "warehouse", command
        result = cli.invoke(warehouse_cli, words[1:], env=env)
        assert result.exit_code == 0, f"$ {command}\n{result.output}"
        if words[1] == "check":
            assert "PENDING" in result.stdout and "FAIL" not in result.stdout

    lesson_db = tmp_path / env["WAREHOUSE_DB"]
    assert lesson_db.is_file()
    assert rows(lesson_db, "select count(*) from rejected_records")[0][0] > 0
    after = (main_db.read_bytes(), clean_file.read_bytes(),
             rows(main_db, "select sum(net_revenue_cents) from gold_daily_sales"))
    assert after == before, "the lesson changed make run's files or warehouse"
    assert "make clean" in README and "data/lesson" in (PROJECT / "Makefile").read_text(encoding="utf-8")


# --- 2. lines waiting for the transform are pending, not a failure --------------------------

def test_check_between_ingest_and_transform_says_pending_and_passes(cli, tmp_path):
    db = tmp_path / "wh.db"
    (path, count), = generator.generate(date(2025, 3, 1), date(2025, 3, 1), 40, 3, tmp_path / "raw")
    assert cli.invoke(warehouse_cli, ["ingest", "--db", str(db), str(path)]).exit_code == 0

    checked = cli.invoke(warehouse_cli, ["check", "--db", str(db)])
    assert checked.exit_code == 0, checked.output
    assert "FAIL" not in checked.stdout
    assert f"PENDING  transactions: {count} records loaded since the last transform (raw_id 1 to {count})" \
        in checked.stdout
    assert rows(db, "select count(*) from dq_check_results where status = 'fail'") == [(0,)]
    assert rows(db, "select status from etl_runs order by run_id desc limit 1") == [("succeeded",)]

    status = json.loads(cli.invoke(warehouse_cli, ["status", "--db", str(db), "--json"]).stdout)
    assert status["pending"] == [{"source": "transactions", "records": count, "from_raw_id": 1,
                                  "to_raw_id": count}]
    text = cli.invoke(warehouse_cli, ["status", "--db", str(db)]).stdout
    assert f"transactions: {count} record(s) loaded since the last transform" in text

    assert cli.invoke(warehouse_cli, ["transform", "--db", str(db)]).exit_code == 0
    checked = cli.invoke(warehouse_cli, ["check", "--db", str(db)])
    assert checked.exit_code == 0 and "PENDING" not in checked.stdout
    status = json.loads(cli.invoke(warehouse_cli, ["status", "--db", str(db), "--json"]).stdout)
    assert status["pending"] == []


def test_check_still_fails_when_a_transformed_line_is_missing_from_the_fact(cli, tmp_path):
    """Pending is only what the watermark has not reached: a published line that went
    missing is still an error."""
    db = tmp_path / "wh.db"
    load(db, batch(tmp_path, "transactions_b.jsonl", [line("T1", "2025-03-01"), line("T2", "2025-03-01")]))
    import sqlite3
    connection = sqlite3.connect(db)
    connection.execute("pragma foreign_keys = off")
    connection.execute("delete from fact_orders where transaction_id = 'T2'")
    connection.commit()
    connection.close()
    checked = cli.invoke(warehouse_cli, ["check", "--db", str(db)])
    assert checked.exit_code == 3
    assert "FAIL  silver_fact_reconcile" in checked.stdout and "PENDING" not in checked.stdout


# --- 3. only the commands that load data create a warehouse --------------------------------

@pytest.mark.parametrize("command", ["check", "transform", "upgrade"])
def test_a_mistyped_db_is_refused_by_commands_that_do_not_load(cli, tmp_path, command):
    missing = tmp_path / "doesnotexist.db"
    result = cli.invoke(warehouse_cli, [command, "--db", str(missing)])
    one_line_error(result, 5, f"no warehouse at {missing}", "warehouse run")
    assert list(tmp_path.iterdir()) == [], "nothing may be created"


@pytest.mark.parametrize("command", ["check", "transform", "upgrade"])
def test_an_empty_file_is_no_warehouse_either(cli, tmp_path, command):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    one_line_error(cli.invoke(warehouse_cli, [command, "--db", str(empty)]), 5, str(empty))
    assert empty.read_bytes() == b""


@pytest.mark.parametrize("command", ["check", "transform", "upgrade"])
def test_a_missing_schema_is_refused_on_a_server_too(cli, pg, command):  # noqa: F811
    schema = pg.server.new_schema()
    url = pg.server.warehouse_url(schema)
    result = cli.invoke(warehouse_cli, [command, "--db", url])
    one_line_error(result, 5, "no warehouse", schema)
    found = pg.server.admin.execute("select count(*) from pg_namespace where nspname = %s", [schema])
    assert found.fetchone()[0] == 0, "the schema must not be created"


def test_loading_commands_still_create_a_warehouse(cli, tmp_path):
    db = tmp_path / "new" / "wh.db"
    result = cli.invoke(warehouse_cli, ["ingest", "--db", str(db), str(batch(tmp_path, "transactions_b.jsonl",
                                                                          [line("T1", "2025-03-01")]))])
    assert result.exit_code == 0, result.output
    assert db.is_file()


# --- 4. a folder that cannot be made is one line, exit 5 ------------------------------------

UNMAKEABLE = [path for path in ("/proc/nope/x.db", "/sys/newdir/x.db") if Path(path).parts[1:2]
              and Path("/" + Path(path).parts[1]).is_dir()]


@pytest.mark.skipif(not UNMAKEABLE, reason="needs /proc or /sys, where no folder can be made")
@pytest.mark.parametrize("db", UNMAKEABLE)
@pytest.mark.parametrize("args", [["run", "--date", "2025-03-01"], ["ingest", "FILE"], ["transform"],
                                  ["check"], ["walkthrough", "--no-pause"]],
                         ids=lambda args: args[0])
def test_a_folder_that_cannot_be_made_is_a_one_line_error(cli, tmp_path, db, args):
    args = [str(batch(tmp_path, "transactions_b.jsonl", [line("T1", "2025-03-01")])) if a == "FILE" else a
            for a in args]
    if args[0] == "run":
        args += ["--raw-dir", str(tmp_path / "raw")]
    result = cli.invoke(warehouse_cli, [*args, "--db", db])
    one_line_error(result, 5, str(Path(db).parent) if args[0] != "transform" and args[0] != "check"
                   else db)


# --- 6. what the building commands print ----------------------------------------------------

def test_transform_prints_aligned_lines_and_every_check_that_did_not_pass(cli, tmp_path):
    db = tmp_path / "wh.db"
    (path, count), = generator.generate(date(2025, 3, 1), date(2025, 3, 1), 40, 3, tmp_path / "raw")
    assert cli.invoke(warehouse_cli, ["ingest", "--db", str(db), str(path)]).exit_code == 0
    result = cli.invoke(warehouse_cli, ["transform", "--db", str(db)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "\t" not in text
    assert f"  staged     transactions raw_id 1 to {count} ({count} records)" in text
    assert re.search(r"^  transform  rows changed: dim_users \d+, dim_products \d+, dim_date \d+, "
                     rf"fact_orders {count}$", text, re.MULTILINE)
    # every check of both kinds: the page views' follow the order lines (their revenue), over
    # no page view of their own; only the freshness warning does not pass
    checks = len(every_check())
    assert re.search(rf"^  checks     {checks - 1} of {checks} passed$", text, re.MULTILINE)
    assert re.search(r"^             WARN  fact_orders_freshness \(warn\): 1 failing row", text, re.MULTILINE)
    assert re.search(rf"^  warehouse  fact_orders {count} · ", text, re.MULTILINE)


def test_generate_prints_one_aligned_line_per_file(cli, tmp_path):
    result = cli.invoke(warehouse_cli, ["generate", "--start", "2025-03-01", "--end", "2025-03-02",
                                        "--transactions", "1", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "\t" not in result.stdout
    views = [len((tmp_path / f"events_2025030{day}.jsonl").read_text().splitlines()) for day in (1, 2)]
    changes = [len((tmp_path / f"changes_2025030{day}.jsonl").read_text().splitlines()) for day in (1, 2)]
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'transactions_20250301.json'}  1 line",
        f"{tmp_path / 'transactions_20250302.json'}  1 line",
        f"{tmp_path / 'events_20250301.jsonl'}  {views[0]} lines",
        f"{tmp_path / 'events_20250302.jsonl'}  {views[1]} lines",
        f"{tmp_path / 'changes_20250301.jsonl'}  {changes[0]} lines",
        f"{tmp_path / 'changes_20250302.jsonl'}  {changes[1]} lines"]


def test_page_views_cover_the_last_event_days_of_the_range_with_the_same_bytes(cli, tmp_path):
    """--event-days N: order lines for every day, page views for the last N only (the
    default run's week), each day's file the same bytes as when the whole range has them."""
    week, month = tmp_path / "week", tmp_path / "month"
    for out, extra in ((week, []), (month, ["--event-days", "5"])):
        result = cli.invoke(warehouse_cli, ["generate", "--start", "2025-03-01", "--end", "2025-03-05",
                                            "--transactions", "5", "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
    assert settings.DEFAULT_EVENT_DAYS == 7     # longer than this range: every day
    assert sorted(p.name for p in week.iterdir()) == sorted(p.name for p in month.iterdir())
    result = cli.invoke(warehouse_cli, ["generate", "--start", "2025-03-01", "--end", "2025-03-05",
                                        "--transactions", "5", "--out", str(tmp_path / "two"),
                                        "--event-days", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "two").glob("events_*")) == [
        "events_20250304.jsonl", "events_20250305.jsonl"]
    assert len(list((tmp_path / "two").glob("transactions_*"))) == 5
    for name in ("events_20250304.jsonl", "events_20250305.jsonl"):
        assert (tmp_path / "two" / name).read_bytes() == (month / name).read_bytes()


def test_a_run_with_rejects_points_to_warehouse_rejects(cli, tmp_path):
    db = tmp_path / "wh.db"
    bad = {**line("T2", "2025-03-01"), "quantity": 0}
    result = cli.invoke(warehouse_cli, ["run", "--db", str(db), "--source", "transactions", "--input",
                                        str(batch(tmp_path, "transactions_b.jsonl", [line("T1", "2025-03-01"), bad]))])
    assert result.exit_code == 0, result.output
    assert "  rejects    1 record quarantined by this run: `warehouse rejects` shows why" in result.stdout
    clean = cli.invoke(warehouse_cli, ["run", "--db", str(tmp_path / "clean.db"), "--source",
                                       "transactions", "--input",
                                       str(batch(tmp_path, "transactions_c.jsonl", [line("T3", "2025-03-01")]))])
    assert "warehouse rejects" not in clean.stdout


# --- 7. the small ones ------------------------------------------------------------------------

def test_counts_agree_with_their_nouns(cli, tmp_path):
    db = tmp_path / "wh.db"
    result = cli.invoke(warehouse_cli, ["run", "--db", str(db), "--date", "2025-03-01",
                                        "--transactions", "1", "--raw-dir", str(tmp_path / "raw")])
    assert result.exit_code == 0, result.output
    assert "  generate   1 file, 1 line of transactions; 1 file, " in result.stdout
    assert "  ingest     3 files loaded, 0 already loaded, 0 refused" in result.stdout
    assert "1 files" not in result.stdout and "1 lines" not in result.stdout


@pytest.mark.parametrize(("given", "says"), [
    ("2025-02-30", "'2025-02-30' is not a day of the calendar (day is out of range for month)"),
    ("2025/03/01", "'2025/03/01' is not a date: write it YYYY-MM-DD, e.g. 2025-03-01"),
])
def test_a_date_that_is_not_a_day_says_so(cli, tmp_path, given, says):
    result = cli.invoke(warehouse_cli, ["generate", "--date", given, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert says in result.output and "%Y" not in result.output


def test_drop_table_is_refused_by_its_name(cli, tmp_path):
    db = tmp_path / "wh.db"
    load(db, batch(tmp_path, "transactions_b.jsonl", [line("T1", "2025-03-01")]))
    message = one_line_error(cli.invoke(warehouse_cli, ["query", "--db", str(db), "drop table fact_orders"]),
                             1, "DROP TABLE fact_orders is not allowed")
    assert "sqlite_master" not in message
    one_line_error(cli.invoke(warehouse_cli, ["query", "--db", str(db), "alter table dim_users add x"]),
                   1, "ALTER TABLE dim_users is not allowed")


def test_a_refused_file_is_explained_once(cli, tmp_path):
    broken = tmp_path / "transactions_broken.json"
    broken.write_text('[{"transaction_id": "X"},\n{"transaction_id": ', encoding="utf-8")
    result = cli.invoke(warehouse_cli, ["ingest", "--db", str(tmp_path / "wh.db"), str(broken)])
    assert result.exit_code == 1
    assert result.output.count("line 2, column") == 1, result.output
    assert f"{broken}: refused" in result.stdout


def test_query_help_gives_the_exit_codes_it_returns(cli, tmp_path):
    text = " ".join(cli.invoke(warehouse_cli, ["query", "--help"]).output.split())
    assert "5 when the warehouse is missing or cannot be read" in text
    result = cli.invoke(warehouse_cli, ["query", "--db", str(tmp_path / "none.db"), "select 1"])
    assert result.exit_code == 5


def test_an_unknown_reason_code_is_a_usage_error_listing_the_codes(cli, tmp_path):
    db = tmp_path / "wh.db"
    load(db, batch(tmp_path, "transactions_b.jsonl", [line("T1", "2025-03-01")]))
    result = cli.invoke(warehouse_cli, ["rejects", "--db", str(db), "--reason", "nosuch"])
    assert result.exit_code == 2
    assert "'nosuch' is not a reason code" in result.output
    for code in transactions.contract.REASON_CODES:
        assert code in result.output
    known = cli.invoke(warehouse_cli, ["rejects", "--db", str(db), "--reason", "wrong_type"])
    assert known.exit_code == 0 and "no rejected records with reason wrong_type" in known.output


def test_status_says_which_count_leaves_out_the_unknown_member(cli, tmp_path):
    db = tmp_path / "wh.db"
    result = load(db, batch(tmp_path, "transactions_b.jsonl", [line("T1", "2025-03-01"), line("T2", "2025-03-01", user="U2")]))
    assert result.tables["dim_users"] == 2
    text = cli.invoke(warehouse_cli, ["status", "--db", str(db)]).stdout
    assert re.search(r"^  dim_users\s+table\s+2\s+3$", text, re.MULTILINE), text
    assert "unknown member (key -1)" in text
    objects = {o["name"]: o for o in json.loads(cli.invoke(warehouse_cli, ["status", "--db", str(db),
                                                                            "--json"]).stdout)["objects"]}
    assert (objects["dim_users"]["members"], objects["dim_users"]["rows"]) == (2, 3)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_utf16_or_utf32_file_is_refused_whole_as_not_utf8(cli, tmp_path, encoding, suffix):
    records = [line("T1", "2025-03-01"), line("T2", "2025-03-01")]
    text = ("\n".join(json.dumps(r) for r in records) + "\n" if suffix == ".jsonl"
            else json.dumps(records))
    path = tmp_path / f"transactions_x{suffix}"
    path.write_bytes(text.encode(encoding))
    db = tmp_path / "wh.db"
    result = cli.invoke(warehouse_cli, ["ingest", "--db", str(db), str(path)])
    label = "UTF-32" if "32" in encoding else "UTF-16"
    one_line_error(result, 1, str(path), f"not UTF-8: the file is {label} text")
    assert rows(db, "select status from etl_files") == [("refused",)]
    assert rows(db, "select count(*) from raw_transactions") == [(0,)]
    assert codecs.BOM_UTF8  # (a UTF-8 BOM stays accepted: tests/test_bad_input_corpus.py)


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_key_repeated_in_one_object_is_rejected_as_duplicate_key(tmp_path, suffix):
    good = json.dumps(line("T1", "2025-03-01"), separators=(",", ":"))
    twice = good.replace('"quantity":1', '"quantity":1,"quantity":9')
    nested = json.dumps(line("T3", "2025-03-01")).replace('"name": "Name U1"',
                                                           '"name": "Ann", "name": "Bob"')
    texts = [good, twice.replace("T1", "T2"), nested]
    path = tmp_path / f"transactions_keys{suffix}"
    path.write_text("\n".join(texts) + "\n" if suffix == ".jsonl" else "[\n" + ",\n".join(texts) + "\n]\n",
                    encoding="utf-8")
    db = tmp_path / "wh.db"
    load(db, path)
    assert rows(db, "select transaction_id, reason_code, field from rejected_transactions order by raw_id") == [
        ("T2", "duplicate_key", "quantity"), ("T3", "duplicate_key", "user.name")]
    assert rows(db, "select transaction_id from fact_orders") == [("T1",)]
    assert "duplicate_key" in transactions.contract.REASON_CODES
    assert "`duplicate_key`" in (PROJECT / "docs" / "CONTRACT.md").read_text(encoding="utf-8")


def test_the_fast_path_never_takes_a_record_with_a_repeated_key():
    from ecommerce_warehouse.sources.transactions import contract

    text = json.dumps(line("T1", "2025-03-01"), separators=(",", ":"))
    assert contract.decode_line(text) is not None
    for repeated in (text.replace('"quantity":1', '"quantity":1,"quantity":9'),
                     text.replace('{"product_id":"P1"', '{"product_id":"P1","product_id":"P2"'),
                     text[:-1] + ',"extra":{"a":1,"a":2}}'):
        assert contract.decode_line(repeated) is None, repeated
