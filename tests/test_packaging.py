"""It installs like a real package: a wheel built from the project holds every SQL file, and
installed (not editable) into a fresh virtual environment it runs the pipeline, the
walkthrough and a query from a folder that has nothing of the project in it.

Building and installing take a while (pip fetches the build backend and the dependencies,
from its cache when it can), so this is one test doing the whole journey.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SQL_FILES = sorted(str(path.relative_to(PROJECT)) for path in (PROJECT / "sql").rglob("*.sql"))


def run(args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, f"$ {' '.join(map(str, args))}\n{done.stdout}\n{done.stderr}"
    return done


def test_the_wheel_installs_and_runs_from_any_folder(tmp_path):
    wheels = tmp_path / "wheels"
    built = run([sys.executable, "-m", "pip", "wheel", "--verbose", "--no-deps", "--wheel-dir", wheels,
                 PROJECT], cwd=tmp_path)
    # the build backend says nothing deprecated (make run printed a license warning three times)
    warnings = [line for line in (built.stdout + built.stderr).splitlines()
                if "DeprecationWarning" in line or "deprecated" in line.lower()]
    assert not warnings, "\n".join(warnings)
    (wheel,) = wheels.glob("ecommerce_warehouse-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name.removeprefix("ecommerce_warehouse/") for name in archive.namelist()}
    missing = [name for name in SQL_FILES if name not in shipped]
    assert not missing, f"the wheel lacks {missing[:5]}"
    assert "sql/descriptions.toml" in shipped

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    # no PYTHONPATH for pip either: a source folder on it (with its egg-info) reads as
    # "already installed", and pip would skip the wheel
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("WAREHOUSE_", "PYTHON", "VIRTUAL_ENV"))}
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], cwd=tmp_path, env=env)
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)

    shown = run([bin_dir / "python", "-c", "import ecommerce_warehouse, sys; print(ecommerce_warehouse.__file__)"],
                cwd=elsewhere, env=env).stdout
    assert str(env_dir) in shown and str(PROJECT) not in shown, "the installed package must be the wheel's"

    built = run([bin_dir / "run_pipeline", "--date", "2025-03-01", "--transactions", "50"], cwd=elsewhere, env=env)
    assert "succeeded" in built.stdout and "Traceback" not in built.stderr
    assert (elsewhere / "data" / "warehouse" / "ecommerce_warehouse.db").is_file()

    walked = run([bin_dir / "warehouse", "walkthrough", "--no-pause", "--db", "lesson.db"], cwd=elsewhere, env=env)
    # the order lines' 14 steps, the page views' 4, the change events' 2 (the last is 20)
    assert "Step 14 of 20" in walked.stdout and "Step 20 of 20" in walked.stdout
    assert "sql/transform/dim_users.sql" in walked.stdout

    asked = run([bin_dir / "warehouse", "query", "--format", "csv",
                 "select count(*) as lines from fact_orders"], cwd=elsewhere, env=env)
    lines = int(asked.stdout.splitlines()[1])
    assert lines > 0

    documented = run([bin_dir / "warehouse", "docs", "--out", "my-docs"], cwd=elsewhere, env=env)
    assert (elsewhere / "my-docs" / "DATA_DICTIONARY.md").is_file(), documented.stdout
