"""The layout keeps its promises: engine differences live in engines/, no import cycles,
the benchmark stays out of the CLI's start-up, and modules stay small.

``python -m pytest tests/test_architecture.py`` shows which rule broke and where.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ecommerce_warehouse import engines

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ecommerce_warehouse"
MODULES = sorted(path for path in PACKAGE.rglob("*.py") if "sql" not in path.relative_to(PACKAGE).parts)
# Where engine names may be spoken: each engine's own module, and the benchmark, which
# measures engines as such (SQLite's floors, PostgreSQL's COPY).
ENGINE_HOMES = ("engines", "bench")
# Every engine a release supports or plans, so code cannot branch on one before it lands.
ENGINE_NAMES = {*engines.ENGINES, "duckdb", "spark"}
DRIVERS = {"sqlite3", "psycopg", "duckdb", "pyspark"}
# A driver imported outside engines/ for a reason that is not an engine branch.
ALLOWED_DRIVER_IMPORTS = {
    ("sqlfiles.py", "sqlite3"): "sqlite3.complete_statement splits any SQL text into statements",
}
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = ["ecommerce_warehouse", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def outside_engines(path: Path) -> bool:
    return path.relative_to(PACKAGE).parts[0] not in ENGINE_HOMES


@pytest.mark.parametrize("path", [p for p in MODULES if outside_engines(p)], ids=relative)
def test_no_engine_branch_outside_the_engines(path: Path):
    """Code outside engines/ never asks which engine it runs on: no engine's name, no
    driver, no dialect or backend test. It asks the engine (engines.of / for_db)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ENGINE_NAMES:
            found.append(f"line {node.lineno}: the engine name {node.value!r}")
        elif isinstance(node, ast.Attribute) and node.attr in ("get_backend_name", "get_driver_name"):
            found.append(f"line {node.lineno}: {node.attr}()")
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and side.attr == "name" and \
                        isinstance(side.value, ast.Attribute) and side.value.attr == "dialect":
                    found.append(f"line {node.lineno}: a comparison with dialect.name")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if top in DRIVERS and (relative(path), top) not in ALLOWED_DRIVER_IMPORTS:
                    found.append(f"line {node.lineno}: imports the driver {top}")
                if name.startswith("ecommerce_warehouse.engines.") and name != "ecommerce_warehouse.engines.base":
                    found.append(f"line {node.lineno}: imports the engine module {name}")
            if isinstance(node, ast.ImportFrom) and node.module == "ecommerce_warehouse.engines":
                for alias in node.names:
                    if alias.name != "base":
                        found.append(f"line {node.lineno}: imports the engine module {alias.name}")
    assert not found, f"{relative(path)} asks which engine it runs on:\n" + "\n".join(found)


def package_imports() -> dict[str, set[str]]:
    """Each module's imports of other modules of the package (at any level of the module)."""
    known = {module_name(path) for path in MODULES}
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        name = module_name(path)
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names if alias.name in known)
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ecommerce_warehouse"):
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    edges.add(target if target in known else node.module)
        edges.discard(name)
        graph[name] = {edge for edge in edges if edge in known}
    return graph


def test_no_import_cycles():
    graph = package_imports()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_the_cli_starts_without_the_benchmark():
    code = ("import sys, ecommerce_warehouse.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('ecommerce_warehouse.bench.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", f"starting the CLI imported {loaded.stdout.strip()}"


def test_the_cli_starts_without_streamlit_or_the_dashboard():
    """Streamlit is an optional extra, imported only when `warehouse dashboard` runs."""
    code = ("import sys, ecommerce_warehouse.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'altair', 'pandas') "
            "or m.startswith('ecommerce_warehouse.dashboard')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", f"starting the CLI imported {loaded.stdout.strip()}"


def test_only_the_dashboards_streamlit_modules_import_streamlit():
    """A section never imports Streamlit (it is handed ``ui.st``), so its data can be read
    and tested without it; only the app and its board do."""
    allowed = {"dashboard/board.py"}
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(name.split(".")[0] == "streamlit" for name in names):
                    assert relative(path) in allowed, f"{relative(path)} imports streamlit"


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_modules_stay_small(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{relative(path)} has {lines} lines: split it where it mixes concerns"


def test_the_subpackages_are_the_areas_of_the_design():
    areas = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert areas == ["bench", "classroom", "cli", "dashboard", "engines", "export", "generate", "load", "model",
                     "read", "sources"]
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "db.py", "errors.py", "pipeline.py", "progress.py", "settings.py",
                   "sqlfiles.py"]
