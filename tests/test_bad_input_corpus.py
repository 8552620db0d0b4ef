"""The bad-input corpus: every file in tests/corpus/ through the real CLI, checked with sqlite3.

Each kind of bad (or unusual) input is one small file in ``tests/corpus/``; the two big
ones (a name over 1 MB, JSON nested 100,000 deep) are written at test time. The manifest
``tests/corpus/expected.json`` gives, for each file, the expected file-level outcome
(loaded, or refused with an error saying where) and the expected outcome of each record
(loaded, skipped as a duplicate, or rejected with its reason code and field), following
docs/CONTRACT.md.

Every case runs ``warehouse run`` and ``warehouse ingest`` (+ ``warehouse transform``)
through click's CliRunner; the cases in REAL_PROCESS (every refused file, the unusual
text and the big inputs) also run ``warehouse run`` as a real subprocess. Each then
checks, reading the database with sqlite3:

- no traceback anywhere, exit status 0 for a loaded file and 1 for a refused one;
- the outcome, reason code and field of every record; the registry row of the file and
  records read = loaded + skipped + rejected;
- the exact original text of every record in Bronze;
- fact_orders: the loaded transaction_ids, and sum(total_amount_cents) equal to the cents
  computed here from the input text with Decimal arithmetic;
- dim_users / dim_products equal to the newest-non-null snapshot of the loaded lines
  (and, for the SQL-injection, emoji and right-to-left cases, to the literal text);
- dim_date: every date from the first to the last fact date, no gap.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ecommerce_warehouse.cli import warehouse
from ecommerce_warehouse.load.reader import CHUNK_BYTES

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
CASES = MANIFEST["cases"]
LINE_FORMATS = (".jsonl", ".ndjson")

# Known bugs, by corpus file: the expectation stays correct, the case is a strict xfail
# (it starts failing loudly, i.e. XPASS, as soon as the bug is fixed).
KNOWN_BUGS: dict[str, str] = {}


def _params():
    for case in CASES:
        marks = []
        if case["file"] in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case["file"]]))
        yield pytest.param(case, id=case["file"], marks=marks)


PARAMS = list(_params())

# The cases that run ``warehouse run`` once more as a real process (a process costs ~0.3 s
# of CPU to start): every refused file (exit status 1 from a real process), the text a real
# stream might not print or store as CliRunner does (bytes that are not UTF-8, a lone
# surrogate, emoji, right-to-left, a BOM), the big inputs, and two ordinary loads with
# rejects. The other cases run the same `warehouse run` through CliRunner only.
REAL_PROCESS = {case["file"] for case in CASES if case["file_outcome"] == "refused"} | {
    "invalid_utf8.jsonl", "unpaired_surrogate.jsonl", "emoji_names.jsonl", "rtl_names.jsonl",
    "sql_injection_names.jsonl", "bom.jsonl", "big_name.jsonl", "big_name.json", "deep_nesting.jsonl",
    "array_with_bad_records.json", "conflicting_duplicate.jsonl",
}


# --- the two big inputs, written at test time ------------------------------------------

def _record(tid: str, **changes) -> dict:
    """The corpus's base record (the same as the committed files use)."""
    record = {"transaction_id": tid, "order_id": f"O-{tid}", "timestamp": "2025-03-01T10:00:00Z",
              "status": "completed", "quantity": 2, "price": 12.5,
              "user": {"user_id": "U1", "name": "Ann Lee", "email": "ann@example.com",
                       "registration_date": "2024-01-05"},
              "product": {"product_id": "P1", "name": "Mug", "category": "Home", "unit_price": 12.5}}
    record.update(changes)
    return record


GOOD_TX_1 = json.dumps(_record("TX-1"), ensure_ascii=False)
GOOD_TX_2 = json.dumps(_record("TX-2", quantity=1, price=3.99, user={"user_id": "U2", "name": "Bo"},
                               product={"product_id": "P2", "name": "Tea", "category": "Food",
                                        "unit_price": 4.5}), ensure_ascii=False)
BIG_NAME_BYTES = 1_100_000      # "a 1 MB name": over a megabyte of UTF-8, more than one read chunk


def _big_name_record(prefix_bytes: int) -> str:
    """TX-BIGNAME with a user name of 1.1 MB of 4-byte emoji, padded with ASCII so that the
    reader's chunk boundary (byte CHUNK_BYTES of the file) falls in the middle of an emoji;
    ``prefix_bytes`` is how many bytes of the file come before the record."""
    head = json.dumps(_record("TX-BIGNAME"), ensure_ascii=False)
    marker = '"Ann Lee"'
    name_start = prefix_bytes + len(head[: head.index(marker)].encode("utf-8")) + 1   # after the quote
    pad = (CHUNK_BYTES - name_start - 2) % 4          # boundary 2 bytes into an emoji
    name = "n" * pad + "\U0001f600" * (BIG_NAME_BYTES // 4) + " end"
    text = head.replace(marker, json.dumps(name, ensure_ascii=False), 1)
    boundary = CHUNK_BYTES - prefix_bytes
    assert text.encode("utf-8")[boundary:boundary + 1] not in (b"", b"n"), "boundary not inside the name"
    return text


def _deep(depth: int = 100_000) -> tuple[str, str]:
    """A record with a field nested ``depth`` deep, and a bare array nested ``depth`` deep."""
    field = "[" * depth + "]" * depth
    record = GOOD_TX_1.replace('"TX-1"', '"TX-DEEP"')[:-1] + ', "extra": ' + field + "}"
    return record, field


def _generate(case: dict, folder: Path) -> Path:
    path = folder / case["file"]
    kind = case["generated"]
    if kind == "big_name" and path.suffix in LINE_FORMATS:
        path.write_text(_big_name_record(0) + "\n" + GOOD_TX_2 + "\n", encoding="utf-8")
    elif kind == "big_name":
        path.write_text("[\n" + _big_name_record(2) + ",\n" + GOOD_TX_2 + "\n]\n", encoding="utf-8")
    elif kind == "deep_nesting" and path.suffix in LINE_FORMATS:
        record, bare = _deep()
        path.write_text(f"{GOOD_TX_1}\n{record}\n{bare}\n{GOOD_TX_2}\n", encoding="utf-8")
    elif kind == "deep_nesting":
        record, _ = _deep()
        path.write_text("[\n" + GOOD_TX_1 + ",\n" + record + ",\n" + GOOD_TX_2 + "\n]\n", encoding="utf-8")
    else:
        raise AssertionError(f"unknown generator {kind!r}")
    return path


@pytest.fixture(scope="module")
def corpus_paths(tmp_path_factory) -> dict[str, Path]:
    """file name → the path to load: the committed file, or the one generated for this session."""
    generated = tmp_path_factory.mktemp("generated_corpus")
    return {case["file"]: _generate(case, generated) if "generated" in case else CORPUS / case["file"]
            for case in CASES}


# --- the subprocess runs, started in the background for the selected cases -------------

def _warehouse_executable() -> list[str]:
    script = Path(sys.executable).parent / "warehouse"
    if script.exists():
        return [str(script)]
    found = shutil.which("warehouse")
    if found:
        return [found]
    return [sys.executable, "-c", "from ecommerce_warehouse.cli import warehouse; warehouse()"]


@pytest.fixture(scope="module")
def subprocess_runs(request, corpus_paths, tmp_path_factory):
    """file name → Future of `warehouse run --db <tmp> --input <file> --source transactions` run
    as a real process.

    The processes start when the first case needs them, two at a time, while the
    in-process checks go on; each case then waits for its own.
    """
    selected = {item.callspec.id for item in request.session.items
                if getattr(item, "callspec", None) and item.module is request.module}
    folder = tmp_path_factory.mktemp("subprocess_runs")
    env = {k: v for k, v in os.environ.items() if k != "WAREHOUSE_DB"}
    command = _warehouse_executable()

    def run(name: str) -> tuple[Path, subprocess.CompletedProcess]:
        db = folder / f"{name}.db"
        completed = subprocess.run(
            [*command, "run", "--db", str(db), "--input", str(corpus_paths[name]), "--source", "transactions"],
            check=False, capture_output=True, text=True, encoding="utf-8", errors="replace",
            cwd=folder, env=env, timeout=300,
        )
        return db, completed

    pool = ThreadPoolExecutor(max_workers=2)
    futures: dict[str, Future] = {name: pool.submit(run, name)
                                  for name in corpus_paths if name in selected and name in REAL_PROCESS}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


# --- reading the input independently of the loader ----------------------------------

def _record_texts(path: Path, case: dict) -> dict[int, str]:
    """Record number → the exact text the contract says Bronze keeps, for a loaded file."""
    data = path.read_bytes()
    if path.suffix in LINE_FORMATS:
        texts = {}
        for number, line in enumerate(data.split(b"\n"), start=1):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]
            line = line.rstrip(b"\r")
            if line.strip():
                # a line that is not UTF-8 cannot be stored as is: Bronze writes each bad byte as \xNN
                texts[number] = line.decode("utf-8", "backslashreplace")
        return texts
    # .json: the elements as the standard decoder frames them (the file is a well-formed array)
    text = data.decode("utf-8-sig")
    decoder = json.JSONDecoder(parse_int=Decimal, parse_float=Decimal, parse_constant=str)
    position = text.index("[") + 1
    texts, number = {}, 0
    while True:
        while text[position] in " \t\r\n,":
            position += 1
        if text[position] == "]":
            return texts
        _, end = decoder.raw_decode(text, position)
        number += 1
        texts[number] = text[position:end]
        position = end


def _parse(text: str):
    return json.loads(text, parse_int=Decimal, parse_float=Decimal, parse_constant=str)


def _cents(record: dict) -> int:
    """quantity × price in exact cents, from the record's own decimal text."""
    price_cents = Decimal(record["price"]) * 100
    assert price_cents == price_cents.to_integral_value()
    return int(record["quantity"]) * int(price_cents)


def _utc_ts(text: str) -> str:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _cents_or_none(value) -> int | None:
    return None if value is None else int(Decimal(value) * 100)


def _expected_dimensions(lines: list[dict]) -> tuple[dict, dict]:
    """SCD1 by hand: each attribute from the newest snapshot (event_ts, transaction_id) where it is not null."""
    users: dict[str, dict] = {}
    products: dict[str, dict] = {}
    for line in sorted(lines, key=lambda r: (_utc_ts(r["timestamp"]), r["transaction_id"])):
        user = line.get("user")
        if user is not None:
            row = users.setdefault(user["user_id"], {"name": None, "email": None, "registration_date": None})
            for key in row:
                if user.get(key) is not None:
                    row[key] = user[key]
        product = line["product"]
        row = products.setdefault(product["product_id"],
                                  {"product_name": None, "category": None, "list_price_cents": None})
        for key, value in (("product_name", product.get("name")), ("category", product.get("category")),
                           ("list_price_cents", _cents_or_none(product.get("unit_price")))):
            if value is not None:
                row[key] = value
    return users, products


# --- the checks ---------------------------------------------------------------------

def _query(db: Path, sql: str, params=()) -> list[tuple]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def _assert_clean_exit(output: str, exit_code: int, case: dict, path: Path) -> None:
    assert "Traceback" not in output, output[-3000:]
    if case["file_outcome"] == "refused":
        assert exit_code == 1, output[-3000:]
        assert "refused" in output and str(path) in output, output[-3000:]
        for where in case["error_contains"]:
            assert where in output, (where, output[-3000:])
    else:
        assert exit_code == 0, output[-3000:]


def _assert_cli_result(result: Result, case: dict, path: Path) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI raised {result.exception!r}") from result.exception
    _assert_clean_exit(result.output, result.exit_code, case, path)


def check_bronze(db: Path, case: dict, path: Path) -> None:
    """Registry row, every record's outcome, reason and exact text, and the quarantine."""
    expected = case["records"]
    files = _query(db, "select status, records_read, records_loaded, duplicates_skipped,"
                       " records_rejected, error from etl_files")
    assert len(files) == 1, files
    status, read, loaded, skipped, rejected, error = files[0]
    bronze = _query(db, "select record_number, load_status, reject_reason, reject_field, reject_message,"
                        " transaction_id, raw_text, raw_id from raw_transactions order by record_number")
    if case["file_outcome"] == "refused":
        assert status == "refused", files
        for where in case["error_contains"]:
            assert where in error, (where, error)
        assert (read, loaded, skipped, rejected) == (0, 0, 0, 0)
        assert bronze == []
        assert _query(db, "select count(*) from rejected_transactions") == [(0,)]
        return

    assert status == "loaded" and error is None, files
    outcomes = {"loaded": 0, "duplicate": 0, "rejected": 0}
    for record in expected:
        outcomes[record["outcome"]] += 1
    assert (read, loaded, skipped, rejected) == (
        len(expected), outcomes["loaded"], outcomes["duplicate"], outcomes["rejected"])
    assert read == loaded + skipped + rejected

    got = [(n, load_status, reason, field) for n, load_status, reason, field, *_ in bronze]
    want = [(r["n"], r["outcome"], r.get("reason"), r.get("field")) for r in expected]
    assert got == want

    texts = _record_texts(path, case)
    assert sorted(texts) == [r["n"] for r in expected]
    for (n, load_status, reason, field, message, tid, raw_text, _), record in zip(bronze, expected):
        if path.suffix in LINE_FORMATS:
            assert raw_text == texts[n], (n, raw_text[:200], texts[n][:200])
        else:
            assert raw_text == texts[n], (n, raw_text[:200], texts[n][:200])
        if load_status in ("loaded", "duplicate"):
            assert tid == record["tid"]
        if load_status == "rejected":
            assert message, n
            if field is not None:
                assert field in message, (field, message)
            elif path.suffix in LINE_FORMATS and reason == "invalid_json":
                assert f"line {n}" in message, message
            for needle in case.get("message_contains", {}).get(str(n), []):
                assert needle in message, (needle, message)
    quarantine = _query(db, """
        select q.record_number, q.reason_code, q.field, q.message = r.reject_message,
               q.raw_text = r.raw_text, q.batch_id = r.batch_id
        from rejected_transactions as q inner join raw_transactions as r on r.raw_id = q.raw_id
        order by q.record_number""")
    assert quarantine == [(r["n"], r["reason"], r["field"], 1, 1, 1)
                          for r in expected if r["outcome"] == "rejected"]
    for n, column, want_value in _raw_column_expectations(case, bronze):
        assert _query(db, f"select {column} from raw_transactions where record_number = ?", (n,)) == [
            (want_value,)]


def _raw_column_expectations(case: dict, bronze: list[tuple]):
    number_of = {row[5]: row[0] for row in bronze if row[1] == "loaded"}   # transaction_id → record_number
    for tid, columns in case.get("raw_columns", {}).items():
        for column, value in columns.items():
            assert column in ("event_ts", "event_date", "date_key")
            yield number_of[tid], column, value


def check_star(db: Path, case: dict, path: Path) -> None:
    """The star schema after the transform: facts, their cents, both dimensions, the calendar."""
    loaded_records = [r for r in case["records"] if r["outcome"] == "loaded"]
    texts = _record_texts(path, case) if loaded_records else {}
    lines = [_parse(texts[r["n"]]) for r in loaded_records]
    expected_cents = sum(_cents(line) for line in lines)
    assert expected_cents == case["fact_cents"], "the manifest's fact_cents disagrees with the input"

    facts = _query(db, """
        select f.transaction_id, f.quantity, f.unit_price_cents, f.total_amount_cents, f.order_timestamp,
               u.user_id, p.product_id, f.date_key
        from fact_orders as f
        inner join dim_users as u on u.user_key = f.user_key
        inner join dim_products as p on p.product_key = f.product_key
        inner join dim_date as d on d.date_key = f.date_key
        order by f.transaction_id""")
    assert sorted(f[0] for f in facts) == sorted(r["tid"] for r in loaded_records)
    assert _query(db, "select coalesce(sum(total_amount_cents), 0), count(*) from fact_orders") == [
        (expected_cents, len(loaded_records))]
    by_tid = {f[0]: f for f in facts}
    for line in lines:
        tid, quantity, unit_cents, total, order_ts, user_id, product_id, _ = by_tid[line["transaction_id"]]
        assert (quantity, total) == (int(line["quantity"]), _cents(line))
        assert unit_cents == int(Decimal(line["price"]) * 100)
        assert order_ts == _utc_ts(line["timestamp"])
        assert user_id == ((line.get("user") or {}).get("user_id") or "")      # '' = unknown member
        assert product_id == line["product"]["product_id"]

    users, products = _expected_dimensions(lines)
    got_users = {row[0]: dict(zip(("name", "email", "registration_date", "is_inferred"), row[1:]))
                 for row in _query(db, "select user_id, name, email, registration_date, is_inferred"
                                       " from dim_users where user_key <> -1")}
    assert got_users == {uid: {**attrs, "is_inferred": int(all(v is None for v in attrs.values()))}
                         for uid, attrs in users.items()}
    got_products = {row[0]: dict(zip(("product_name", "category", "list_price_cents", "is_inferred"), row[1:]))
                    for row in _query(db, "select product_id, product_name, category, list_price_cents,"
                                          " is_inferred from dim_products where product_key <> -1")}
    assert got_products == {pid: {**attrs, "is_inferred": int(all(v is None for v in attrs.values()))}
                            for pid, attrs in products.items()}

    # literal expectations of the manifest (SQL injection, emoji, right-to-left text)
    for user_id, (name, email, registered) in case.get("dim_users", {}).items():
        assert _query(db, "select name, email, registration_date from dim_users where user_id = ?",
                      (user_id,)) == [(name, email, registered)]
    for product_id, (name, category, list_cents) in case.get("dim_products", {}).items():
        assert _query(db, "select product_name, category, list_price_cents from dim_products"
                          " where product_id = ?", (product_id,)) == [(name, category, list_cents)]
    for tid, columns in case.get("fact_columns", {}).items():
        for column, value in columns.items():
            assert column in ("date_key", "order_timestamp", "user_key", "order_id", "status")
            assert _query(db, f"select {column} from fact_orders where transaction_id = ?", (tid,)) == [
                (value,)], (tid, column)

    # the calendar: every day from the first to the last fact date
    dates = [row[0] for row in _query(db, "select full_date from dim_date where date_key <> -1"
                                          " order by date_key")]
    assert _query(db, "select day_name from dim_date where date_key = -1") == [("Unknown",)]
    if lines:
        days = sorted({_utc_ts(line["timestamp"])[:10] for line in lines})
        first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
        assert dates == [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    else:
        assert dates == []
    # nothing dropped a table or a row behind our back (SQL-injection text stays text)
    assert _query(db, "select count(*) from raw_transactions") == [(len(case["records"]),)]
    assert _query(db, "select count(*) from dim_users where user_key = -1") == [(1,)]
    assert _query(db, "select count(*) from dim_products where product_key = -1") == [(1,)]


# --- the test ------------------------------------------------------------------------

def test_corpus_has_at_least_25_kinds_and_every_file_is_in_the_manifest():
    files = {case["file"] for case in CASES}
    assert len(files) == len(CASES) >= 25
    committed = {p.name for p in CORPUS.iterdir() if p.suffix in (".json", *LINE_FORMATS)} - {"expected.json"}
    assert committed == {case["file"] for case in CASES if "generated" not in case}
    for case in CASES:
        assert case["file_outcome"] in ("loaded", "refused")
        for record in case["records"]:
            assert record["outcome"] in ("loaded", "duplicate", "rejected")
    outcomes = {r["outcome"] for case in CASES for r in case["records"]}
    assert outcomes == {"loaded", "duplicate", "rejected"}
    assert {case["file_outcome"] for case in CASES} == {"loaded", "refused"}
    # every name in REAL_PROCESS is a case, and both outcomes run as a real process
    assert REAL_PROCESS <= files
    assert {case["file_outcome"] for case in CASES if case["file"] in REAL_PROCESS} == {"loaded", "refused"}
    # the big inputs really are big (they are generated, not committed)
    assert all((CORPUS / case["file"]).stat().st_size < 64_000 for case in CASES if "generated" not in case)


@pytest.mark.parametrize("case", PARAMS)
def test_corpus_file_through_the_cli(case, corpus_paths, subprocess_runs, tmp_path):
    path = corpus_paths[case["file"]]
    runner = CliRunner()

    # 1. `warehouse run --input FILE`: the whole job
    run_db = tmp_path / "run" / "w.db"
    result = runner.invoke(warehouse, ["run", "--db", str(run_db), "--input", str(path),
                                       "--source", "transactions"])
    _assert_cli_result(result, case, path)
    check_bronze(run_db, case, path)
    check_star(run_db, case, path)

    # 2. `warehouse ingest FILE` loads Bronze only; `warehouse transform` then builds the same star
    ingest_db = tmp_path / "ingest" / "w.db"
    result = runner.invoke(warehouse, ["ingest", "--db", str(ingest_db), str(path), "--source", "transactions"])
    _assert_cli_result(result, case, path)
    check_bronze(ingest_db, case, path)
    assert _query(ingest_db, "select count(*) from fact_orders") == [(0,)]
    result = runner.invoke(warehouse, ["transform", "--db", str(ingest_db)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    check_star(ingest_db, case, path)

    # 3. the same `warehouse run` as a real process: nothing on stdout or stderr is a traceback
    if case["file"] in REAL_PROCESS:
        subprocess_db, completed = subprocess_runs[case["file"]].result()
        _assert_clean_exit(completed.stdout + completed.stderr, completed.returncode, case, path)
        check_bronze(subprocess_db, case, path)
        check_star(subprocess_db, case, path)

    # loading the same bytes again is a reported no-op
    result = runner.invoke(warehouse, ["ingest", "--db", str(ingest_db), str(path), "--source", "transactions"])
    if case["file_outcome"] == "loaded":
        assert result.exit_code == 0 and "already loaded" in result.output, result.output
        assert _query(ingest_db, "select count(*) from raw_transactions") == [(len(case["records"]),)]


def test_invalid_json_line_message_reads_cleanly(tmp_path):
    """The standard decoder's message ends in 'at'; the line's message must not say 'at at'."""
    path = CORPUS / "truncated_last_line.jsonl"
    db = tmp_path / "w.db"
    result = CliRunner().invoke(warehouse, ["ingest", "--db", str(db), str(path), "--source", "transactions"])
    assert result.exit_code == 0, result.output
    (message,) = _query(db, "select message from rejected_transactions")[0]
    assert message.startswith("line 3 is not valid JSON") and "column 43" in message, message
    assert " at at " not in message, message
