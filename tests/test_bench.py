"""Smoke test of `warehouse bench`: structure, positive figures and exact line counts.

No test asserts a time: the benchmark measures, it does not judge.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ecommerce_warehouse.bench import sqlite_bench as bench
from ecommerce_warehouse.bench import workers
from ecommerce_warehouse.cli import warehouse
from ecommerce_warehouse.cli.bench import parse_size

N = 1_000
BATCH = 500


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> dict:
    keep = tmp_path_factory.mktemp("bench")
    result = CliRunner().invoke(warehouse, [
        "bench", "--transactions", str(N), "--increment", str(BATCH), "--compare", "--json",
        "--keep", str(keep), "--event-days", "2", "--change-days", "2",
    ])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    doc["_keep"] = keep
    return doc


def positive(step: dict) -> None:
    assert step["seconds"] > 0
    assert step["lines_per_second"] > 0
    assert step["seconds_per_million_lines"] > 0
    assert step["peak_rss_bytes"] > 1_000_000   # a Python child holds at least megabytes


def test_machine_is_described(document):
    machine = document["machine"]
    assert machine["cpu_count"] >= 1 and machine["memory_bytes"] > 0
    assert machine["python"] and machine["sqlite"]
    assert machine["baseline_rss_bytes"] > 0
    assert len(machine["source_digest"]) == 12
    assert isinstance(document["source_changed_during_run"], list)


def test_steps_have_positive_figures_and_exact_line_counts(document):
    (run,) = document["runs"]
    assert run["transactions"] == N
    assert run["lines"] == N                      # the generated day is an average day
    assert set(run["steps"]) == {"generate", "ingest", "transform", "total"}
    for step in run["steps"].values():
        positive(step)
        assert step["lines"] == N
    ingest = run["steps"]["ingest"]
    assert ingest["records_loaded"] == N and ingest["records_rejected"] == 0
    assert run["steps"]["transform"]["rows_changed"]["fact_orders"] == N
    total = run["steps"]["total"]
    assert total["seconds"] == pytest.approx(sum(run["steps"][s]["seconds"] for s in workers.STEPS), abs=1e-3)
    assert run["tables"]["fact_orders"] == N and run["counts_match"] is True
    assert run["file_bytes"] > 0 and run["database_bytes"] > 0
    assert "scale" not in document                # one size: no scale table


def test_compare_reports_a_ratio_or_a_skip_note(document):
    compare = document["runs"][0]["compare"]
    assert [p["name"] for p in compare["peers"]] == list(bench.PEERS)
    by_name = {peer["name"]: peer for peer in compare["peers"]}
    optional = {"duckdb-star", "pandas", "sqlite-utils"}        # stdlib sqlite3 is always there
    for always in set(bench.PEERS) - optional:
        assert by_name[always]["status"] == "ok"
    for peer in compare["peers"]:
        if peer["status"] == "skipped":
            assert "pip install" in peer["note"]
            continue
        positive(peer)
        assert peer["lines"] == N
        assert peer["ours_ratio"] > 0


def test_the_duckdb_engine_and_the_duckdb_star_beside_sqlite(document):
    """With the [duckdb] extra: the same file through the DuckDB engine, and each engine's
    ingest + transform as a ratio to the DuckDB SQL-only star."""
    pytest.importorskip("duckdb", reason="the DuckDB side of the bench needs the [duckdb] extra")
    run = document["runs"][0]
    duck = run["duckdb"]
    for name in ("ingest", "transform", "total"):
        positive(duck["steps"][name])
    assert duck["steps"]["ingest"]["records_loaded"] == N and duck["counts_match"] is True
    assert duck["tables"]["fact_orders"] == N and duck["database_bytes"] > 0
    star = next(peer for peer in run["compare"]["peers"] if peer["name"] == "duckdb-star")
    assert star["status"] == "ok" and star["lines"] == N
    ratios = run["compare"]["end_to_end"]
    assert set(ratios) == {"sqlite", "duckdb"}
    assert ratios["duckdb"] == pytest.approx(duck["steps"]["total"]["seconds"] / star["seconds"], rel=1e-2)
    text = bench.format_report(document)
    assert "DuckDB engine, the same file" in text and "DuckDB SQL-only star" in text


def test_incremental_cases(document):
    incremental = document["runs"][0]["incremental"]
    assert incremental["batch_lines"] == BATCH
    cases = {c["case"]: c for c in incremental["cases"]}
    assert list(cases) == ["empty", "full", "rerun_batch", "rerun_file"]
    assert cases["empty"]["ingest"]["records_loaded"] == BATCH
    assert cases["empty"]["fact_orders_after"] == BATCH
    assert cases["full"]["ingest"]["records_loaded"] == BATCH
    assert cases["full"]["fact_orders_after"] == N + BATCH
    for name in ("rerun_batch", "rerun_file"):
        assert cases[name]["ingest"]["statuses"] == ["already_loaded"]
        assert cases[name]["transform"]["rows_changed"] == {}
        assert cases[name]["fact_orders_after"] == N + BATCH
    for case in cases.values():
        assert case["ingest"]["seconds"] > 0 and case["transform"]["seconds"] > 0


def test_page_views_are_timed_against_the_order_lines_of_the_same_run(document):
    (run,) = document["runs"]
    events = run["events"]
    assert 0.5 * N < events["page_views"] < 2 * N        # about as many page views as order lines
    assert set(events["steps"]) == {"generate", "ingest", "transform", "ingest+transform"}
    for step in events["steps"].values():
        assert step["seconds"] > 0 and step["seconds_per_million"] > 0 and step["peak_rss_bytes"] > 1_000_000
    assert events["steps"]["ingest"]["lines"] == events["page_views"]
    assert events["sessions"] > 0 and events["fact_page_views"] > 0.9 * events["page_views"]
    orders = run["steps"]["ingest"]["seconds"] + run["steps"]["transform"]["seconds"]
    expected = (events["steps"]["ingest+transform"]["seconds_per_million"]
                / (orders * 1_000_000 / run["steps"]["ingest"]["lines"]))
    assert events["ratio_to_order_lines"] == pytest.approx(expected, rel=0.01)
    increment = document["events_increment"]
    assert increment["days"] == 2 and increment["history_page_views"] > increment["day_page_views"] > 0
    cases = increment["cases"]
    assert increment["ratio_full_to_empty"] == pytest.approx(
        cases["full"]["total_seconds"] / cases["empty"]["total_seconds"], rel=0.01)
    text = bench.format_report(document)
    assert "per million page views ÷ per million order lines" in text and "full ÷ empty" in text


def test_change_events_are_timed_against_the_order_lines_of_the_same_run(document):
    (run,) = document["runs"]
    changes = run["changes"]
    assert 0.5 * N < changes["change_events"] < 2 * N     # about as many events as order lines
    assert set(changes["steps"]) == {"generate", "ingest", "transform", "ingest+transform"}
    for step in changes["steps"].values():
        assert step["seconds"] > 0 and step["seconds_per_million"] > 0 and step["peak_rss_bytes"] > 1_000_000
    assert changes["steps"]["ingest"]["lines"] == changes["change_events"]
    assert changes["fact_order_lifecycle"] > 0 and changes["fact_payments"] > 0
    orders = run["steps"]["ingest"]["seconds"] + run["steps"]["transform"]["seconds"]
    expected = (changes["steps"]["ingest+transform"]["seconds_per_million"]
                / (orders * 1_000_000 / run["steps"]["ingest"]["lines"]))
    assert changes["ratio_to_order_lines"] == pytest.approx(expected, rel=0.01)
    increment = document["changes_increment"]
    assert increment["days"] == 2 and increment["history_change_events"] > increment["day_change_events"] > 0
    cases = increment["cases"]
    assert increment["ratio_full_to_empty"] == pytest.approx(
        cases["full"]["total_seconds"] / cases["empty"]["total_seconds"], rel=0.01)
    text = bench.format_report(document)
    assert "per million change events ÷ per million order lines" in text


def test_rounds_measure_the_kinds_loads_again_and_give_the_ratio_of_the_medians(tmp_path):
    """--rounds 3: each kind's day and the order lines' file are loaded three times (fresh
    warehouses, deleted after their round); every round's ratio and the medians' are shown."""
    keep = tmp_path / "bench"
    result = CliRunner().invoke(warehouse, [
        "bench", "--transactions", "600", "--increment", "0", "--no-duckdb", "--event-days", "0",
        "--change-days", "0", "--rounds", "3", "--json", "--keep", str(keep)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (run,) = document["runs"]
    first = run["steps"]["ingest"]["seconds"] + run["steps"]["transform"]["seconds"]
    for name, key in (("events", "page_views"), ("changes", "change_events")):
        day = run[name]
        rounds = day["rounds"]
        assert len(rounds) == 3
        assert rounds[0]["order_lines_seconds"] == pytest.approx(first, abs=1e-3)
        assert rounds[0]["seconds"] == pytest.approx(day["steps"]["ingest+transform"]["seconds"], abs=1e-3)
        for one in rounds:
            assert one["seconds"] > 0 and one["order_lines_seconds"] > 0
            assert one["ratio_to_order_lines"] == pytest.approx(
                (one["seconds"] / day[key]) / (one["order_lines_seconds"] / run["lines"]), rel=0.01)
        middle = sorted(one["seconds"] for one in rounds)[1]
        assert day["median_seconds_per_million"] == pytest.approx(middle * 1_000_000 / day[key], rel=0.01)
        middle_orders = sorted(one["order_lines_seconds"] for one in rounds)[1]
        assert day["median_ratio_to_order_lines"] == pytest.approx(
            (middle / day[key]) / (middle_orders / run["lines"]), rel=0.01)
    assert not list((keep / "n600").glob("round*"))      # each round's warehouses are gone
    text = bench.format_report(document)
    assert "median of 3 interleaved rounds" in text and "each round:" in text


def test_keep_leaves_the_files_and_the_text_report_renders(document):
    keep = document["_keep"]
    assert (keep / f"n{N}" / "warehouse.db").is_file()
    assert list((keep / f"n{N}" / "raw").glob("transactions_*.json"))
    text = bench.format_report(document)
    for word in ("generate", "ingest", "transform", "total", "peak RSS", "ours ÷ tool", "incremental"):
        assert word in text


def test_scale_table_from_runs():
    def run(lines, seconds):
        return {"lines": lines, "steps": {s: {"seconds_per_million_lines": seconds} for s in
                                          (*workers.STEPS, "total")}}
    table = bench.scale_table([run(10, 2.0), run(100, 3.0)])
    assert table["ingest"] == {"10": 2.0, "100": 3.0}


@pytest.mark.parametrize("text, value", [("1000", 1000), ("1_000_000", 1_000_000), ("100k", 100_000),
                                         ("1M", 1_000_000), ("2.5k", 2_500)])
def test_parse_size(text, value):
    assert parse_size(text) == value


@pytest.mark.parametrize("args", [["--scale", "10,abc"], ["--scale", "100", "--transactions", "10"],
                                  ["--transactions", "0"], ["--keep"], ["--rounds", "0"]])
def test_usage_errors(args):
    result = CliRunner().invoke(warehouse, ["bench", *args])
    assert result.exit_code == 2


def test_help_names_the_options():
    result = CliRunner().invoke(warehouse, ["bench", "--help"])
    assert result.exit_code == 0
    for option in ("--transactions", "--scale", "--json", "--compare", "--keep", "--rounds"):
        assert option in result.output


def test_missing_peers_are_skipped_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "_has_module", lambda name: False)
    monkeypatch.setattr(bench, "sqlite_utils_executable", lambda: None)
    monkeypatch.setattr(bench.duckdb_bench, "available", lambda: False)
    monkeypatch.setattr(workers, "run_in_child", lambda worker, timeout=None, **kw: {
        "seconds": 0.5, "lines": 10, "peak_rss_bytes": 2_000_000})
    compare = bench._compare(tmp_path, tmp_path / "x.json", 10, 1.0, None, lambda line: None)
    status = {p["name"]: p["status"] for p in compare["peers"]}
    assert status == {"pandas": "skipped", "sqlite-utils": "skipped", "sqlite3-executemany": "ok",
                      "bronze-floor": "ok", "bronze-floor-rollback": "ok", "bronze-floor-raw-text": "ok",
                      "bronze-floor-typed": "ok", "duckdb-star": "skipped"}
    assert "pip install pandas" in compare["peers"][0]["note"]
    assert "[duckdb]" in compare["peers"][-1]["note"]
    assert [peer["ours_ratio"] for peer in compare["peers"][2:-1]] == [2.0] * 5


@pytest.mark.parametrize("variant", sorted(workers.BRONZE_VARIANTS))
def test_each_bronze_floor_stores_what_it_says(tmp_path, variant):
    """The floors time storing our own Bronze rows, or the part of them a variant keeps."""
    import sqlite3

    from ecommerce_warehouse.generate import transactions as generator
    path, count = generator.write_day(generator.build_catalogue(1), workers.average_day(), 50, tmp_path)
    db = tmp_path / f"{variant}.db"
    figures = workers._work_bronze_floor(str(path), str(db), variant)
    assert figures["lines"] == count and figures["seconds"] > 0
    connection = sqlite3.connect(db)
    try:
        journal = connection.execute("pragma journal_mode").fetchone()[0]
        stored = connection.execute("select count(*), count(raw_id), sum(raw_text <> ''),"
                                    " count(transaction_id), count(event_ts) from raw_transactions").fetchone()
    finally:
        connection.close()
    assert journal == ("delete" if variant == "rollback" else "wal")
    with_text = 0 if variant == "typed" else count
    with_typed = 0 if variant == "raw-text" else count
    assert stored == (count, count, with_text, count, with_typed)

