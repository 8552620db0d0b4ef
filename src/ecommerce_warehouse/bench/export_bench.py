"""``warehouse bench --export``: the warehouse of each size exported to Parquet, in a child.

The export's promise is that memory does not grow with the table (rows are read and
written a batch at a time): with ``--scale`` the peak RSS of each size's export sits side
by side, in one run, and so do the seconds per million rows. The [export] extra must be
installed; without it the step is skipped, saying so.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path

from ecommerce_warehouse.bench import workers


def installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("pyarrow",))


def measure(folder: Path, db: Path, timeout: float | None, say: Callable[[str], None]) -> dict:
    """Export ``db`` to Parquet under ``folder`` in a fresh child; its figures."""
    if not installed():
        return {"status": "skipped", "note": "the [export] extra is not installed "
                                             "(pip install 'ecommerce-warehouse[export]')"}
    out = folder / "export"
    say(f"export {db.name} to Parquet ...")
    found = workers.run_in_child("export", timeout, db=str(db), out=str(out))
    size = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    shutil.rmtree(out, ignore_errors=True)
    rows = found["rows"]
    return {"status": "ok", "seconds": round(found["seconds"], 4), "rows": rows,
            "fact_orders_rows": found["fact_orders_rows"], "export_bytes": size,
            "seconds_per_million_rows": round(found["seconds"] / rows * 1e6, 2) if rows else None,
            "peak_rss_bytes": found["peak_rss_bytes"]}


def format_export(figures: dict, mb: Callable) -> list[str]:
    if figures.get("status") != "ok":
        return [f"  export: skipped ({figures.get('note')})"]
    line = (f"  export to Parquet: {figures['rows']:,} rows ({figures['fact_orders_rows']:,} of "
            f"fact_orders) in {figures['seconds']:.2f} s ({figures['seconds_per_million_rows']:.1f} s "
            f"per 1M rows), {mb(figures['export_bytes'])} of files, peak RSS {mb(figures['peak_rss_bytes'])}")
    return [line]
