"""What the building commands print for a person: the run summary, a transform's changes and
checks, what waits for the transform, and files written or loaded.

Lines are aligned under a label column (``  ingest     ...``), counts have thousands
separators and a noun that agrees with them (1 file, 2 files). ``--json`` prints the
library's own documents instead; nothing here is parsed by a machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ecommerce_warehouse.load.ingest import FileResult
from ecommerce_warehouse.model.schema import SchemaReport
from ecommerce_warehouse.model.transform import Pending, TransformResult
from ecommerce_warehouse.pipeline import PipelineResult, plural

LABEL = 11          # width of the label column: "  transform  ..."


def labelled(label: str, text: str) -> str:
    return f"  {label:<{LABEL}}{text}"


def run_summary(result: PipelineResult) -> list[str]:
    """The lines `run_pipeline` prints once a run has ended."""
    lines = [f"Run {result.run_id} {result.status} in {result.seconds:.1f} s  ({result.db})"]
    if result.schema is not None and result.schema.before is not None and (
            result.schema.upgraded or result.schema.views_replaced):
        lines.append(labelled("schema", describe_schema(result.schema)))
    if result.generated:
        lines.append(labelled("generate", generated_totals(result.generated)))
    lines.append(labelled("ingest", ingest_totals(result.files, result.totals())))
    if result.transform is not None:
        lines += transform_lines(result.transform)
    if result.tables:
        lines.append(labelled("warehouse", table_counts(result.tables)))
    rejected = result.totals()["records_rejected"]
    if rejected:
        lines.append(labelled("rejects", f"{plural(rejected, 'record')} quarantined by this run: "
                                         "`warehouse rejects` shows why, by reason code"))
    return lines


def ingest_totals(files: Sequence[FileResult], totals: dict[str, int]) -> str:
    loaded = sum(1 for f in files if f.status == "loaded")
    skipped = sum(1 for f in files if f.status == "already_loaded")
    refused = sum(1 for f in files if f.status == "refused")
    return (f"{plural(loaded, 'file')} loaded, {skipped:,} already loaded, {refused:,} refused: "
            f"{totals['records_read']:,} read = {totals['records_loaded']:,} loaded + "
            f"{totals['duplicates_skipped']:,} duplicates + {totals['records_rejected']:,} rejected")


def transform_lines(result: TransformResult) -> list[str]:
    """What a transform changed and every check it ran (all but the passes spelt out)."""
    if result.nothing_new:
        return [labelled("transform", "nothing new since the last transform; no row changed")]
    changed = ", ".join(f"{k} {v:,}" for k, v in result.changed.items())
    lines = [labelled("transform", f"rows changed: {changed}")]
    checks = result.checks
    passed = sum(1 for c in checks if c.status == "pass")
    lines.append(labelled("checks", f"{passed} of {len(checks)} passed"))
    lines += [labelled("", check.describe()) for check in checks if check.status != "pass"]
    return lines


def transform_summary(result: TransformResult, tables: dict[str, int]) -> list[str]:
    """The lines `warehouse transform` prints."""
    if result.nothing_new:
        return ["nothing new since the last transform; no row changed"]
    lines = [labelled("staged", f"{name} raw_id {low + 1:,} to {high:,} ({plural(high - low, 'record')})")
             for name, (low, high) in result.ranges.items()]
    lines += transform_lines(result)
    lines.append(labelled("warehouse", table_counts(tables)))
    return lines


def table_counts(tables: dict[str, int]) -> str:
    return " · ".join(f"{name} {count:,}" for name, count in tables.items())


def pending_lines(pending: Iterable[Pending]) -> list[str]:
    """One line per input kind with records loaded since its last transform."""
    return [f"PENDING  {item.source.name}: {plural(item.lines, 'record')} loaded since the last "
            f"transform (raw_id {item.from_raw_id + 1} to {item.to_raw_id}) wait for "
            "`warehouse transform`" for item in pending]


def generated_totals(generated: Sequence[tuple]) -> str:
    """Files and lines of each kind: '31 files, 15,540 lines of transactions; 31 files, ...'."""
    by_kind: dict[str, list[int]] = {}
    for path, count in generated:
        by_kind.setdefault(Path(path).name.split("_", 1)[0], []).append(count)
    return "; ".join(f"{plural(len(counts), 'file')}, {plural(sum(counts), 'line')} of {kind}"
                     for kind, counts in by_kind.items())


def generated_lines(written: Iterable[tuple]) -> list[str]:
    """One line per file `warehouse generate` wrote."""
    return [f"{path}  {plural(count, 'line')}" for path, count in written]


def describe_schema(report: SchemaReport) -> str:
    parts = []
    if report.upgraded:
        parts.append(f"upgraded from version {report.before} to {report.after}"
                     + (f" ({', '.join(report.migrations)})" if report.migrations else ""))
    if report.views_replaced:
        parts.append(f"{plural(len(report.views_replaced), 'view')} created or replaced")
    return "; ".join(parts)
