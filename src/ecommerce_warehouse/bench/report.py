"""The text reports: the machine lines both benchmarks print first, and the SQLite
benchmark's tables (``format_report``; ``postgres_bench`` formats its own, with
``describe_machine`` and ``rate`` from here)."""

from __future__ import annotations

from ecommerce_warehouse.bench import export_bench, kind_bench, workers

# A 1-minute load average at or above this before the bench (or this + 1 while it runs,
# the bench itself keeping one CPU busy) means other work competed for the CPU.
BUSY_LOAD = 0.8


def _mb(value: int | None) -> str:
    return "-" if value is None else f"{value / 1_000_000:,.1f} MB"


def rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def describe_machine(machine: dict) -> list[str]:
    """The ``machine`` part of a document as report lines, with a warning when other work
    was using the CPU."""
    memory = machine.get("memory_bytes")
    memory_text = f"{memory / 2**30:.1f} GiB RAM" if memory else "RAM unknown"
    commit = (machine.get("commit") or "unknown")[:12]
    lines = [
        (f"machine   {machine['os']} {machine['machine']}, {machine['cpu']}, "
         f"{machine['cpu_count']} cores ({machine['cpus_usable']} usable), {memory_text}"),
        (f"software  Python {machine['python']}, SQLite {machine['sqlite']}, "
         + ", ".join(f"{k} {v}" for k, v in machine["packages"].items() if v and k != "ecommerce-warehouse")),
        (f"measured  {machine['measured_at']} at commit {commit} "
         f"(source digest {machine.get('source_digest')}; uncommitted edits change the digest)"),
    ]
    start, peak = machine.get("load_average_at_start"), machine.get("max_load_average_between_steps")
    if start:
        lines.append(f"load      1-minute load average {start[0]:.2f} at the start"
                     + (f", at most {peak:.2f} between steps" if peak is not None else "")
                     + f" ({machine['cpus_usable']} CPUs; the bench itself keeps about one busy)")
        if start[0] >= BUSY_LOAD or (peak or 0) >= BUSY_LOAD + 1:
            lines.append("WARNING   other work was using the CPU during the bench: "
                         "its times are slower than on a quiet machine")
    if machine.get("baseline_rss_bytes"):
        lines.append(f"baseline  a child that only imports the project peaks at "
                     f"{_mb(machine['baseline_rss_bytes'])} RSS (included in every peak RSS below)")
    return lines


def format_report(document: dict) -> str:
    """The benchmark document as plain-text tables."""
    out = describe_machine(document["machine"])
    changed = document.get("source_changed_during_run")
    if changed:
        out.append(f"WARNING   these files changed while the benchmark ran, so its figures may mix two "
                   f"versions of the code: {', '.join(changed)}")
    for run in document["runs"]:
        out.append("")
        out.append(f"{run['lines']:,} order lines (one day, {run['day']}, seed {document['seed']}), "
                   f"file {_mb(run['file_bytes'])}")
        out.append(f"  {'step':<11}{'seconds':>10}{'lines/s':>12}{'s per 1M':>11}{'peak RSS':>12}")
        for name in (*workers.STEPS, "total"):
            step = run["steps"][name]
            out.append(f"  {name:<11}{step['seconds']:>10.2f}{rate(step['lines_per_second']):>12}"
                       f"{step['seconds_per_million_lines']:>11.1f}{_mb(step['peak_rss_bytes']):>12}")
        out.append(f"  database file {_mb(run['database_bytes'])} after transform; "
                   f"line counts {'match' if run['counts_match'] else 'DO NOT match'} "
                   f"(fact_orders {run['tables'].get('fact_orders', 0):,})")
        duck = run.get("duckdb")
        if duck and "error" in duck:
            out.append(f"  DuckDB engine, the same file: FAILED: {duck['error']}")
        elif duck:
            ingesting = (f"; ingest {duck['ingest_memory_limit']}, {duck['ingest_threads']} thread(s)"
                         if "ingest_threads" in duck else "")
            out.append(f"  DuckDB engine, the same file (memory_limit {duck['memory_limit']}, "
                       f"{duck['threads']} threads{ingesting})")
            for name in ("ingest", "transform", "total"):
                step = duck["steps"][name]
                out.append(f"  {name:<11}{step['seconds']:>10.2f}{rate(step['lines_per_second']):>12}"
                           f"{step['seconds_per_million_lines']:>11.1f}{_mb(step['peak_rss_bytes']):>12}")
            out.append(f"  database file {_mb(duck['database_bytes'])} after transform; line counts "
                       f"{'match' if duck['counts_match'] else 'DO NOT match'}")
        if run.get("export"):
            out += export_bench.format_export(run["export"], _mb)
        for kind in (kind_bench.EVENTS, kind_bench.CHANGES):
            if run.get(kind.name):
                out += kind_bench.format_day(kind, run[kind.name], _mb)
        compare = run.get("compare")
        if compare:
            out.append(f"  compare: ingest of the same {compare['lines']:,} lines "
                       f"(ours {compare['ours_ingest_seconds']:.2f} s)")
            out.append(f"    {'tool':<33}{'seconds':>9}{'lines/s':>12}{'peak RSS':>12}{'ours ÷ tool':>13}")
            for peer in compare["peers"]:
                if peer["status"] != "ok":
                    out.append(f"    {peer['title']:<33}  skipped: {peer['note']}")
                    continue
                out.append(f"    {peer['title']:<33}{peer['seconds']:>9.2f}{rate(peer['lines_per_second']):>12}"
                           f"{_mb(peer['peak_rss_bytes']):>12}{peer['ours_ratio']:>12.1f}×")
            if compare.get("end_to_end"):
                out.append("  end to end (ingest + transform) ÷ the DuckDB SQL-only star: "
                           + ", ".join(f"{engine} {ratio:.2f}×" for engine, ratio in compare["end_to_end"].items()))
        incremental = run.get("incremental")
        if incremental:
            out.append(f"  incremental: a {incremental['batch_lines']:,}-line batch of {incremental['batch_day']}")
            out.append(f"    {'case':<58}{'ingest s':>9}{'transform s':>12}{'total s':>9}{'peak RSS':>11}")
            for item in incremental["cases"]:
                rss = max(item["ingest"]["peak_rss_bytes"], item["transform"]["peak_rss_bytes"])
                out.append(f"    {item['title']:<58}{item['ingest']['seconds']:>9.2f}"
                           f"{item['transform']['seconds']:>12.2f}{item['total_seconds']:>9.2f}{_mb(rss):>11}")
    for kind in (kind_bench.EVENTS, kind_bench.CHANGES):
        if document.get(f"{kind.name}_increment"):
            out.append("")
            out += kind_bench.format_increment(kind, document[f"{kind.name}_increment"], _mb)
    scale = document.get("scale")
    if scale:
        sizes = [str(run["lines"]) for run in document["runs"]]
        out.append("")
        out.append("seconds per million lines, by size (flat = linear growth)")
        out.append(f"  {'step':<11}" + "".join(f"{int(s):>13,}" for s in sizes))
        for step, by_size in scale.items():
            out.append(f"  {step:<11}" + "".join(f"{by_size[s]:>13.1f}" for s in sizes))
    return "\n".join(out)
