"""Progress on long work: a live counter with its rate on a terminal, silence otherwise."""

from __future__ import annotations

import io

from click.testing import CliRunner

from ecommerce_warehouse import progress as progress_module
from ecommerce_warehouse.cli import run_pipeline_cli
from ecommerce_warehouse.progress import Progress


def test_counter_shows_count_and_rate_in_place_then_a_step_line_replaces_it(monkeypatch):
    monkeypatch.setattr(progress_module, "REFRESH_SECONDS", 0.0)
    stream = io.StringIO()
    shown = Progress(stream)
    update = shown.counter("ingest day1.json", "records")
    update(5_000)
    update(10_000)
    shown.line("day1.json: 10000 read = 10000 loaded + 0 duplicates + 0 rejected")
    text = stream.getvalue()
    assert "\ringest day1.json: 5,000 records (" in text
    assert "\ringest day1.json: 10,000 records (" in text and "records/s)" in text
    assert text.endswith("day1.json: 10000 read = 10000 loaded + 0 duplicates + 0 rejected\n")


def test_step_lines_only_when_asked(monkeypatch):
    stream = io.StringIO()
    quiet = Progress(stream, live=False, lines=False)
    quiet.counter("generate")(10_000)
    quiet.line("generated a file")
    assert stream.getvalue() == ""


def test_nothing_on_stderr_when_it_is_not_a_terminal(tmp_path):
    runner = CliRunner()
    result = runner.invoke(run_pipeline_cli, [
        "--db", str(tmp_path / "w.db"), "--raw-dir", str(tmp_path / "raw"),
        "--date", "2025-03-03", "--transactions", "50"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith("Run 1 succeeded")


def test_verbose_prints_step_lines_without_a_terminal(tmp_path):
    runner = CliRunner()
    result = runner.invoke(run_pipeline_cli, [
        "--db", str(tmp_path / "w.db"), "--raw-dir", str(tmp_path / "raw"),
        "--date", "2025-03-03", "--transactions", "50", "--verbose"])
    assert result.exit_code == 0, result.output
    assert "generated " in result.stderr and "transactions_20250303.json" in result.stderr
    assert "\r" not in result.stderr
