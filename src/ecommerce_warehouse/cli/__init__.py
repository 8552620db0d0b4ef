"""Command line: ``run_pipeline`` (the one-shot job) and the ``warehouse`` command group.

Thin by design: each command turns its options into a settings object, calls the
library and prints the result; the library's own errors become one-line errors with
their exit codes in one place (``options.WarehouseCommand``). The commands live by area:
``build`` (run, generate, ingest, transform, check, upgrade), ``explore`` (query,
status, rejects), ``classroom`` (walkthrough, docs, report), ``export`` and ``bench``.
"""

from __future__ import annotations

import click

from ecommerce_warehouse import __version__
from ecommerce_warehouse.cli import build, classroom, explore
from ecommerce_warehouse.cli.bench import bench_command
from ecommerce_warehouse.cli.build import run_pipeline_cli
from ecommerce_warehouse.cli.export import export_command
from ecommerce_warehouse.cli.options import WarehouseGroup

__all__ = ["run_pipeline_cli", "warehouse"]


@click.group(cls=WarehouseGroup,
             help="Build and inspect the e-commerce star-schema warehouse, one step at a time.")
@click.version_option(__version__, prog_name="warehouse")
def warehouse():
    pass


for _command in (*build.COMMANDS, *explore.COMMANDS, *classroom.COMMANDS, export_command, bench_command):
    warehouse.add_command(_command)
