"""The command line: help for every command, one-line errors, exit codes, --json, WAREHOUSE_DB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import rows
from ecommerce_warehouse.cli import run_pipeline_cli, warehouse

COMMANDS = [pytest.param(run_pipeline_cli, [], id="run_pipeline"),
            pytest.param(warehouse, [], id="warehouse")] + [
    pytest.param(warehouse, [name], id=f"warehouse {name}") for name in warehouse.commands
]


def batch(tmp_path: Path, name: str = "transactions_batch.json", count: int = 3) -> Path:
    records = [{
        "transaction_id": f"TX-{n}", "order_id": f"O-{n}", "timestamp": "2025-03-01T10:00:00Z",
        "status": "completed", "quantity": n, "price": 2.5,
        "user": {"user_id": "U1", "name": "Ann Lee", "email": "ann@example.com"},
        "product": {"product_id": "P1", "name": "Mug", "category": "Home", "unit_price": 2.5},
    } for n in range(1, count + 1)]
    path = tmp_path / name
    path.write_text(json.dumps(records), encoding="utf-8")
    return path.absolute()


def test_every_warehouse_subcommand_is_covered():
    assert {"run", "generate", "ingest", "transform"} <= set(warehouse.commands)


@pytest.mark.parametrize(("command", "args"), COMMANDS)
def test_help_exits_0_with_a_description(cli, command, args):
    result = cli.invoke(command, [*args, "--help"])

    assert result.exit_code == 0, result.output
    target = command if not args else command.commands[args[0]]
    description = (target.help or "").strip()
    assert description, f"{target.name} has no help text"
    first_words = " ".join(description.split()[:4])
    assert first_words in " ".join(result.output.split())
    assert "Usage:" in result.output


def test_run_with_input_succeeds_and_prints_the_summary(cli, tmp_path):
    db = tmp_path / "wh" / "cli.db"
    path = batch(tmp_path)

    result = cli.invoke(warehouse, ["run", "--db", str(db), "--input", str(path)])

    assert result.exit_code == 0, result.output
    assert "succeeded" in result.stdout
    assert "1 file loaded, 0 already loaded, 0 refused: 3 read = 3 loaded + 0 duplicates + 0 rejected" \
        in result.stdout
    assert "fact_orders 3" in result.stdout
    assert rows(db, "select count(*), sum(total_amount_cents) from fact_orders") == [(3, 1500)]


def test_run_pipeline_json_output_parses_and_has_totals(cli, tmp_path):
    db = tmp_path / "wh" / "cli.db"
    path = batch(tmp_path)

    result = cli.invoke(run_pipeline_cli, ["--db", str(db), "--input", str(path), "--json"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["totals"] == {"records_read": 3, "records_loaded": 3, "duplicates_skipped": 0,
                                "records_rejected": 0}
    assert report["status"] == "succeeded" and report["error"] is None
    assert [f["status"] for f in report["files"]] == ["loaded"]
    assert report["tables"]["fact_orders"] == 3


@pytest.mark.parametrize("command,args", [
    pytest.param(run_pipeline_cli, [], id="run_pipeline"),
    pytest.param(warehouse, ["run"], id="warehouse run"),
    pytest.param(warehouse, ["ingest"], id="warehouse ingest"),
])
def test_missing_input_file_is_a_one_line_error_naming_it(cli, tmp_path, command, args):
    db = tmp_path / "wh" / "cli.db"
    missing = (tmp_path / "nowhere" / "transactions_20250301.json").absolute()
    file_args = [str(missing)] if args == ["ingest"] else ["--input", str(missing)]

    result = cli.invoke(command, [*args, "--db", str(db), *file_args])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(missing) in lines[0] and "no such file" in lines[0]
    assert not db.exists(), "the command should refuse the input before touching the warehouse"


def test_input_with_an_unknown_file_type_is_refused(cli, tmp_path):
    db = tmp_path / "wh" / "cli.db"
    csv = (tmp_path / "orders.csv").absolute()
    csv.write_text("transaction_id,quantity\nTX-1,1\n", encoding="utf-8")

    result = cli.invoke(warehouse, ["run", "--db", str(db), "--input", str(csv)])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(csv) in lines[0] and ".json" in lines[0] and ".jsonl" in lines[0]


def test_db_that_is_not_a_warehouse_is_a_one_line_error(cli, tmp_path):
    not_a_db = (tmp_path / "notes.db").absolute()
    not_a_db.write_text("these are my notes, not a database\n" * 50, encoding="utf-8")

    result = cli.invoke(warehouse, ["run", "--db", str(not_a_db), "--input", str(batch(tmp_path))])

    assert result.exit_code == 5, result.output   # 5: the warehouse cannot be used
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(not_a_db) in lines[0] and "not a SQLite warehouse" in lines[0]
    assert not_a_db.read_text(encoding="utf-8").startswith("these are my notes")


def test_refused_file_exits_1_and_says_where_it_broke(cli, tmp_path):
    db = tmp_path / "wh" / "cli.db"
    good = batch(tmp_path, "transactions_good.json")
    broken = tmp_path / "transactions_broken.json"
    broken.write_text('[{"transaction_id": "X"},\n{"transaction_id": ', encoding="utf-8")

    result = cli.invoke(warehouse, ["run", "--db", str(db), "--input", str(broken), "--input", str(good)])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "1 file loaded, 0 already loaded, 1 refused" in result.stdout   # "1 files" before issue 12
    assert str(broken) in result.stderr and "line 2, column" in result.stderr
    assert rows(db, "select count(*) from fact_orders") == [(3,)]


def test_unknown_option_is_a_usage_error(cli):
    result = cli.invoke(warehouse, ["run", "--no-such-option"])

    assert result.exit_code == 2
    assert "--no-such-option" in result.output
    assert "Traceback" not in result.output


def test_date_together_with_start_is_a_usage_error(cli, tmp_path):
    result = cli.invoke(warehouse, ["generate", "--date", "2025-03-01", "--start", "2025-03-01",
                                    "--out", str(tmp_path / "raw")])

    assert result.exit_code == 2, result.output
    assert "--date" in result.output and "--start" in result.output
    assert not (tmp_path / "raw").exists()


def test_input_together_with_a_date_is_a_usage_error(cli, tmp_path):
    db = tmp_path / "wh" / "cli.db"
    result = cli.invoke(warehouse, ["run", "--db", str(db), "--input", str(batch(tmp_path)),
                                    "--date", "2025-03-01"])

    assert result.exit_code == 2, result.output
    assert "--input" in result.output
    assert not db.exists()


def test_end_before_start_is_a_usage_error(cli, tmp_path):
    result = cli.invoke(warehouse, ["generate", "--start", "2025-03-05", "--end", "2025-03-01",
                                    "--out", str(tmp_path / "raw")])

    assert result.exit_code == 2, result.output
    assert "--end" in result.output
    assert not (tmp_path / "raw").exists()


def test_warehouse_db_environment_variable_is_honoured(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "from-env" / "env.db"
    path = batch(tmp_path)

    result = cli.invoke(warehouse, ["run", "--input", str(path)], env={"WAREHOUSE_DB": str(db)})

    assert result.exit_code == 0, result.output
    assert str(db) in result.stdout
    assert rows(db, "select count(*) from fact_orders") == [(3,)]
    assert not (tmp_path / "data").exists()


def test_generate_ingest_transform_step_by_step(cli, tmp_path):
    db = tmp_path / "wh" / "steps.db"
    out = tmp_path / "raw"

    generated = cli.invoke(warehouse, ["generate", "--date", "2025-03-01", "--transactions", "20",
                                       "--seed", "3", "--out", str(out)])
    assert generated.exit_code == 0, generated.output
    (path,) = sorted(out.glob("*.json"))
    assert str(path) in generated.stdout

    ingested = cli.invoke(warehouse, ["ingest", "--db", str(db), str(path), "--json"])
    assert ingested.exit_code == 0, ingested.output
    (file,) = json.loads(ingested.stdout)
    assert file["status"] == "loaded" and file["records_read"] == file["records_loaded"] > 0
    assert rows(db, "select count(*) from fact_orders") == [(0,)]

    transformed = cli.invoke(warehouse, ["transform", "--db", str(db), "--json"])
    assert transformed.exit_code == 0, transformed.output
    assert json.loads(transformed.stdout)["tables"]["fact_orders"] == file["records_loaded"]

    again = cli.invoke(warehouse, ["transform", "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "nothing new" in again.stdout

    reingested = cli.invoke(warehouse, ["ingest", "--db", str(db), str(path)])
    assert reingested.exit_code == 0, reingested.output
    assert "already loaded" in reingested.stdout


def test_version_option(cli):
    result = cli.invoke(warehouse, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("warehouse, version ")


def test_a_file_of_no_known_kind_is_refused_listing_the_kinds(cli, tmp_path):
    db = tmp_path / "wh" / "cli.db"
    path = batch(tmp_path, "orders.json")

    result = cli.invoke(warehouse, ["run", "--db", str(db), "--input", str(path)])

    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(path) in lines[0] and "--source" in lines[0] and "transactions" in lines[0]
    assert not db.exists(), "the command should refuse the input before touching the warehouse"


def test_source_names_the_kind_of_a_file_named_otherwise(cli, tmp_path):
    db = tmp_path / "wh" / "cli.db"
    path = batch(tmp_path, "orders.json")

    ingested = cli.invoke(warehouse, ["ingest", "--db", str(db), "--source", "transactions", str(path)])
    assert ingested.exit_code == 0, ingested.output
    assert rows(db, "select source, records_loaded from etl_files") == [("transactions", 3)]

    unknown = cli.invoke(warehouse, ["ingest", "--db", str(db), "--source", "clicks", str(path)])
    assert unknown.exit_code == 2, unknown.output
    assert "transactions" in unknown.output


@pytest.mark.parametrize("url", ["mysql://root@localhost/shop", "oracle://scott@db/orcl"])
def test_an_unsupported_engine_is_a_usage_error_listing_the_supported_ones(cli, tmp_path, url):
    for args in (["status"], ["transform"], ["run", "--input", str(batch(tmp_path))]):
        result = cli.invoke(warehouse, [*args, "--db", url])
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        assert "not a supported engine" in result.output
        assert "sqlite" in result.output and "postgresql" in result.output
