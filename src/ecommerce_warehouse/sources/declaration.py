"""What an input kind ("source") declares: one object says everything the pipeline needs.

The orchestrator, the ingest, the checks, ``status``, ``rejects`` and ``docs`` work from
these declarations only; adding a kind adds its files (contract, SQL, docs) and one
declaration in ``sources/__init__.py``'s ``SOURCES``, and edits no orchestrator code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType


@dataclass(frozen=True)
class TransformStep:
    """One SQL file of a transform, run with the source's range of Bronze rows bound
    (``from_raw_id``, ``to_raw_id``), ``now`` and the source's ``scope`` values.

    ``bulk_before`` / ``bulk_after`` run around it when the run is bulk (it adds at least
    as many lines as the fact holds): e.g. drop a fact's indexes, then build them again,
    several times faster than keeping them up to date row by row.
    ``bind``: a one-row SQL file run just before the step, whose columns are bound as
    further parameters (e.g. the first and last date the run's rows hold, for dim_date).
    ``changes``: the table the step changes, when the file is not named after it (two
    kinds each add members to dim_users, each with a file of its own).
    ``counted``: whether the rows it changes count in the run's "rows changed" (False for
    a working table, ``stage_*``, and for a step that fills in rows an earlier step of
    the same run added and counted); ``etl_run_steps`` records every step either way.
    """

    name: str
    bulk_before: str | None = None
    bulk_after: str | None = None
    bind: str | None = None
    changes: str | None = None
    counted: bool = True

    @property
    def target(self) -> str:
        """The table the step changes (the file is named after it, unless ``changes`` says)."""
        return self.changes or self.name.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class IngestSql:
    """The statements that write one file's records to the kind's Bronze table.

    ``insert`` takes every record (``raw_id``, batch columns, ``raw_text``, ``load_status``
    and the contract's COLUMNS); ``set_reject_reason`` adds a rejected record's reason;
    ``later_copies`` / ``set_record_hash`` / ``mark_later_copies`` find and demote the
    file's later copies of already loaded records; ``copy_rejects`` quarantines the file's
    rejects in ``rejected_records``; ``last_raw_id`` is where the file's raw_ids start;
    ``store_schema`` (a kind whose contract unwraps records, load/records.py ``Unwrapped``)
    stores a wrapper schema once (``schema_key``, ``schema_text``); ``bulk_before`` /
    ``bulk_after`` run around the records of a bulk file (load/ingest.py ``is_bulk``: e.g.
    the Bronze table's indexes dropped, then built again in one pass); ``insert_parts``
    (part, file) pairs: where rows go one statement each, a 'loaded' row of a part the
    contract names (``PART_COLUMN``, ``PARTS``) goes through its part's file, which binds
    only the columns that part can fill (load/parts.py); ``any_copies`` (optional) gives a
    row when any record id is loaded twice in the whole Bronze table: after a bulk file,
    none means the file has no later copies, and ``later_copies`` is not run.
    """

    insert: str
    set_reject_reason: str
    later_copies: str
    set_record_hash: str
    mark_later_copies: str
    copy_rejects: str
    last_raw_id: str
    store_schema: str | None = None
    bulk_before: str | None = None
    bulk_after: str | None = None
    insert_parts: tuple[tuple[str, str], ...] = ()
    any_copies: str | None = None


@dataclass(frozen=True)
class Source:
    """One input kind.

    - ``name``: the kind, as ``--source`` takes it and as a file name starts
      (``<name>_YYYYMMDD.json``); also the ``source`` column of the registry, the
      quarantine and the watermarks.
    - ``contract``: a module with ``COLUMNS`` (the typed columns of Bronze, in order),
      ``REASON_CODES``, ``judge(record)`` and ``decode_fast(text)``.
    - ``bronze``: its Bronze table; ``high_water``: SQL giving its newest raw_id.
    - ``schema`` / ``views``: its tables and views, in creation order.
    - ``transform``: its steps, in order; ``checks``: its quality checks, and of those,
      ``checks_beside`` read only Bronze and the registry (they may run in a child
      process, on a connection of its own, while the transform runs).
    - ``scope``: extra check parameters, each read by a one-value SQL file before the
      transform (e.g. the fact's highest key, after which the run's rows start);
      ``bulk_size`` names the one that is the fact's size: a run at least that big (and
      at least ``transform.BULK_LINES``) is bulk, and its steps' bulk files run.
    - ``counts``: SQL giving the row counts a run summary shows.
    - ``follows``: kinds whose star this kind's model reads (sessions read the orders'
      revenue): when one of them has new rows and this kind has none, this kind's steps
      still run, over an empty range of its own, so what it derived from theirs is
      brought up to date (its steps find their work through ``scope`` values).
    """

    name: str
    title: str
    contract: ModuleType
    bronze: str
    high_water: str
    ingest: IngestSql
    schema: tuple[str, ...]
    views: tuple[str, ...]
    transform: tuple[TransformStep, ...]
    checks: tuple[str, ...]
    checks_beside: tuple[str, ...] = ()
    scope: Mapping[str, str] = field(default_factory=dict)
    bulk_size: str | None = None
    counts: str | None = None
    follows: tuple[str, ...] = ()
    contract_doc: str = "docs/CONTRACT.md"
