"""``warehouse docs``: the data dictionary, the ER diagram and Datasette metadata.

What is documented is read by docs_schema (the live schema, sql/descriptions.toml, the
grain in each SQL file's header) and rendered by docs_render; this module checks the
descriptions against the schema and writes the three files. Nothing here is written by
hand twice: DATA_DICTIONARY.md, ERD.md and datasette-metadata.json are rendered from
those sources, and tests/test_datadict.py fails when any of them is stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ecommerce_warehouse.read import docs_render
from ecommerce_warehouse.read.docs_schema import (
    DESCRIPTIONS,
    DocsError,
    checked,
    live_schema,
    load_descriptions,
)
from ecommerce_warehouse.settings import DEFAULT_DB

# Where `warehouse docs` writes: the project's docs/ for the schema the SQL files create,
# a folder of its own for an existing warehouse (never the project's docs).
DEFAULT_OUT = Path("docs")
DEFAULT_OUT_FOR_DB = Path("warehouse_docs")
DICTIONARY_NAME = "DATA_DICTIONARY.md"
ERD_NAME = "ERD.md"
DATASETTE_NAME = "datasette-metadata.json"


def database_name(db: str | None) -> str:
    """Datasette names a database after its file, without the extension."""
    if db is None or "://" in db:
        return Path(DEFAULT_DB).stem
    return Path(db).stem


# --- writing ------------------------------------------------------------------------------

@dataclass
class Rendered:
    dictionary: str
    erd: str
    datasette: str


def render_all(db: str | None = None, descriptions_path=DESCRIPTIONS) -> Rendered:
    schema = live_schema(db)
    descriptions = load_descriptions(descriptions_path)
    checked(schema, descriptions, own_schema=db is None)
    metadata = docs_render.datasette_metadata(schema, descriptions, database_name(db))
    return Rendered(docs_render.render_dictionary(schema, descriptions),
                    docs_render.render_erd(schema, descriptions),
                    json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")


def write_docs(out: Path, db: str | None = None) -> list[Path]:
    """Write the three files into ``out``; return their paths."""
    rendered = render_all(db)
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in ((DICTIONARY_NAME, rendered.dictionary), (ERD_NAME, rendered.erd),
                           (DATASETTE_NAME, rendered.datasette)):
            (out / name).write_text(text, encoding="utf-8")
            written.append(out / name)
    except OSError as exc:
        raise DocsError(f"cannot write the docs: {exc.strerror} ({exc.filename})") from exc
    return written
