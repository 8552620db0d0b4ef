"""The machine and software a benchmark ran on: CPU, memory, load average, the commit and
a digest of the source as it is on disk, and the versions of the packages that matter.

``machine_info`` is the ``machine`` part of both benchmarks' documents; ``load_average``
is also sampled between steps, and ``source_digest`` before and after a run.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path


def package_version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None when it is not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def git_commit(start: Path | None = None) -> str | None:
    """The commit the source tree is checked out at, read from .git (no git command)."""
    folder = (start or Path(__file__)).resolve()
    for candidate in (folder, *folder.parents):
        dot_git = candidate / ".git"
        if dot_git.exists():
            break
    else:
        return None
    try:
        git_dir = dot_git
        if dot_git.is_file():   # a worktree: "gitdir: PATH"
            git_dir = (candidate / dot_git.read_text().split(":", 1)[1].strip()).resolve()
        common = git_dir
        if (git_dir / "commondir").is_file():
            common = (git_dir / (git_dir / "commondir").read_text().strip()).resolve()
        head = (git_dir / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(":", 1)[1].strip()
        for base in (git_dir, common):
            if (base / ref).is_file():
                return (base / ref).read_text().strip()
        packed = common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split(" ", 1)[0]
    except OSError:
        return None
    return None


def source_files() -> dict[str, str]:
    """A short digest of each of the package's Python and SQL files as they are on disk now."""
    import hashlib

    package = Path(__file__).resolve().parents[1]
    found = {}
    for base, pattern in ((package, "**/*.py"), ((package / "sql").resolve(), "**/*.sql")):
        for path in sorted(base.glob(pattern)):
            try:
                found[str(path.relative_to(base.parent))] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            except OSError:
                continue
    return found


def source_digest(files: dict[str, str] | None = None) -> str:
    """One short digest of all the package's Python and SQL files.

    The commit alone does not say whether the tree had uncommitted edits; two runs with
    the same digest ran the same code, and a digest that changes during a run says the
    code was edited while it ran (its figures may then mix two versions).
    """
    import hashlib
    files = source_files() if files is None else files
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages (None where the system has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def machine_info() -> dict:
    """The machine and software the figures were measured on."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "load_average_at_start": load_average(),
        "commit": git_commit(),
        "os": f"{platform.system()} {platform.release()}",
        "machine": platform.machine(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "memory_bytes": _memory_bytes(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "sqlite": sqlite3.sqlite_version,
        "packages": {name: package_version(name) for name in
                     ("ecommerce-warehouse", "faker", "sqlalchemy", "click", "pandas", "sqlite-utils",
                      "duckdb")},
    }
