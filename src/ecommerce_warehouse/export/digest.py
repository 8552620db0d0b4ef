"""What the manifest says of each exported table's content: rows, cents and a fingerprint.

``content_digest`` does not depend on the order of the rows, how they are partitioned or
which engine they came from, so the same warehouse exported from SQLite and from
PostgreSQL has the same digest, and anyone can check an export against its warehouse:

- a value's text: an integer in decimal; a timestamp as microseconds since 1970-01-01 UTC;
  a date as days since 1970-01-01; a decimal as written with its two places (2973.07); a
  float as the decimal of its IEEE-754 64-bit pattern; a string as its UTF-8 bytes;
- a row's text: each value in column order as ``<byte length>:<text>``, or ``-`` for null;
- the digest: the sum, modulo 2**64, of the first 8 bytes (big-endian) of each row text's
  SHA-256, as 16 hex digits.

The sums of the ``*_cents`` columns are exact integers.
"""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.compute as pc

MASK = (1 << 64) - 1


def value_texts(array: pa.Array) -> pa.Array:
    """Each value's text, as the module's docstring defines it (null stays null)."""
    kind = array.type
    if pa.types.is_timestamp(kind) or pa.types.is_date32(kind):
        array = array.view(pa.int64() if pa.types.is_timestamp(kind) else pa.int32())
    elif pa.types.is_floating(kind):
        array = array.view(pa.int64())
    if pa.types.is_string(array.type):
        return array.cast(pa.binary())
    return array.cast(pa.string()).cast(pa.binary())


def row_texts(batch: pa.RecordBatch) -> pa.Array:
    fields = []
    for array in batch.columns:
        text = value_texts(array)
        length = pc.binary_length(text).cast(pa.string()).cast(pa.binary())
        fields.append(pc.binary_join_element_wise(length, text, b":").fill_null(b"-"))
    if not fields:
        return pa.array([b""] * batch.num_rows, pa.binary())
    return pc.binary_join_element_wise(*fields, b"")


class TableDigest:
    """Rows, the sums of the ``*_cents`` columns, and the content digest, batch by batch."""

    def __init__(self, cents_columns: tuple[str, ...]):
        self.rows = 0
        self.cents = {name: 0 for name in cents_columns}
        self._sum = 0

    def add(self, batch: pa.RecordBatch) -> None:
        self.rows += batch.num_rows
        for name in self.cents:
            total = pc.sum(batch.column(name)).as_py()
            self.cents[name] += total or 0
        sha256 = hashlib.sha256
        total = self._sum
        for text in row_texts(batch).to_pylist():
            total += int.from_bytes(sha256(text).digest()[:8], "big")
        self._sum = total & MASK

    @property
    def content_digest(self) -> str:
        return f"{self._sum:016x}"

    def as_dict(self) -> dict:
        return {"rows": self.rows, "cents_sums": dict(self.cents), "content_digest": self.content_digest}
