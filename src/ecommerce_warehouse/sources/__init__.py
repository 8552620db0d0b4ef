"""The input kinds the warehouse loads, each declared once (``declaration.Source``).

A batch file's kind comes from ``--source KIND`` or from its name's prefix
(``transactions_20250301.json``); a file that names no kind is refused with the list of
kinds. Adding a kind: its package here (contract and declaration), its SQL files, its
docs, and one entry in ``SOURCES``.
"""

from __future__ import annotations

from pathlib import Path

from ecommerce_warehouse.errors import InputFileError, UnknownSourceError
from ecommerce_warehouse.sources import changes, events, transactions
from ecommerce_warehouse.sources.declaration import Source

# In transform order: a kind may read what an earlier one built.
SOURCES: tuple[Source, ...] = (transactions.SOURCE, events.SOURCE, changes.SOURCE)


def names() -> list[str]:
    return [source.name for source in SOURCES]


def reason_codes(kind: str | None = None) -> list[str]:
    """Every reason code a record of ``kind`` (of any kind, if None) can be rejected with."""
    codes: dict[str, None] = {}
    for source in SOURCES:
        if kind is None or source.name == kind:
            codes.update(dict.fromkeys(source.contract.REASON_CODES))
    return list(codes)


def named(name: str) -> Source:
    """The kind called ``name`` (``--source``); UnknownSourceError listing the kinds if none."""
    for source in SOURCES:
        if source.name == name:
            return source
    raise UnknownSourceError(f"--source {name}: no such input kind; the kinds are {', '.join(names())}")


def of_file(path: Path, given: str | None = None) -> Source:
    """The kind of one batch file: ``given`` (``--source``) if set, else its name's prefix."""
    if given is not None:
        return named(given)
    for source in SOURCES:
        if Path(path).name.startswith(f"{source.name}_"):
            return source
    raise InputFileError(path, "cannot tell which input kind this file is: name it "
                               + " or ".join(f"{name}_….json(l)" for name in names())
                               + " or pass --source KIND (kinds: " + ", ".join(names()) + ")")
