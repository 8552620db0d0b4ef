"""Where a broken .json array breaks, named by line and column, however far into the file.

The reader keeps only a window of the file; it counts lines only when it has to name a
position, by reading the file again up to it. These cases put the break several windows
in, after the one-record-per-line fast path and after the general parser's layouts.
"""

from __future__ import annotations

import json

import pytest

from ecommerce_warehouse.errors import InputFileError
from ecommerce_warehouse.load.reader import CHUNK_BYTES, read_records

RECORD = {
    "transaction_id": "TX-{n}", "timestamp": "2025-03-06T10:00:00Z", "quantity": 1,
    "price": 1.5, "product": {"product_id": "P1", "name": "Mug ☕"},
}


def record_text(n: int) -> str:
    return json.dumps({**RECORD, "transaction_id": f"TX-{n}"}, ensure_ascii=False)


def lines_for(size_bytes: int) -> int:
    return size_bytes // len(record_text(0).encode()) + 1


def refusal(path) -> str:
    with pytest.raises(InputFileError) as refused:
        for _record in read_records(path):
            pass
    return str(refused.value)


@pytest.mark.parametrize("bom", [False, True])
def test_a_break_after_megabytes_of_one_per_line_records(tmp_path, bom):
    count = lines_for(3 * CHUNK_BYTES)
    body = ",\n".join(record_text(n) for n in range(count))
    broken = '{"transaction_id": "TX-x", "price": 1.5,, "quantity": 1}'
    path = tmp_path / "far.json"
    path.write_text(("\ufeff" if bom else "") + "[\n" + body + ",\n" + broken + "\n]\n", encoding="utf-8")
    # line 1 is "[", records are lines 2 .. count + 1, the broken one is line count + 2;
    # its second comma is character 40 of that line
    assert f"line {count + 2}, column {broken.index(',,') + 2}" in refusal(path)


def test_a_break_after_megabytes_of_pretty_printed_records(tmp_path):
    """Records over several lines take the general parser; the position is the same kind."""
    pretty = [json.dumps({**RECORD, "transaction_id": f"TX-{n}"}, indent=2, ensure_ascii=False)
              for n in range(lines_for(2 * CHUNK_BYTES) // 4)]
    text = "[" + ", ".join(pretty) + ", }"
    path = tmp_path / "pretty.json"
    path.write_text(text, encoding="utf-8")
    before = text[: text.rindex("}")]
    line = before.count("\n") + 1
    column = len(before) - before.rfind("\n")
    assert f"line {line}, column {column}" in refusal(path)


def test_a_trailing_comma_after_the_fast_path(tmp_path):
    count = lines_for(CHUNK_BYTES + 1000)
    path = tmp_path / "trailing.json"
    path.write_text("[\n" + ",\n".join(record_text(n) for n in range(count)) + ",\n]\n", encoding="utf-8")
    message = refusal(path)
    assert "trailing comma" in message and f"line {count + 2}, column 1" in message
