"""Stream the records of a batch file, each with its exact original text.

A ``.json`` file must be one JSON array; it is read in chunks and split into its
elements with the standard decoder's ``raw_decode``, so memory holds one chunk and one
record at a time, never the whole file. Anything that makes the file not a well-formed
array raises ``InputFileError`` saying where it broke (the caller then loads nothing
from it). A ``.jsonl`` file is judged line by line: a bad line becomes a rejected
record and the other lines still load.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import orjson

from ecommerce_warehouse.errors import InputFileError
from ecommerce_warehouse.load.records import (
    INVALID_JSON,
    LENIENT_DECODER,
    RawRecord,
    Rejection,
    decode,
    duplicate_key_rejection,
)

FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
CHUNK_BYTES = 1 << 20
MAX_RECORD_CHARS = 64 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")


# RawRecord(number, text, value) without the Python-level __new__ of a NamedTuple: the
# fast path below makes one per record.
_new_record = partial(tuple.__new__, RawRecord)


def file_format(path: Path) -> str:
    """'json' or 'jsonl', from the file name; anything else is refused."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputFileError(
            path, "unknown file type; a batch file must end in .json (a JSON array) or .jsonl (JSON Lines)"
        ) from None


# A contract's fast decoder: the record as a typed value if it is one JSON object of the
# contract's shape with no key repeated in any object, else None (the general path then
# decodes and judges it, and rejects a repeated key as duplicate_key).
FastDecoder = Callable[[str | bytes], object | None]


def foreign_encoding(head: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when a file's first bytes are text in that encoding, else None.

    JSON in UTF-8 never holds a NUL byte (nor a UTF-16/32 byte order mark), so either means
    the file was saved in another encoding: it is refused whole rather than judged record
    by record, every one of which would fail.
    """
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    zeros = head.count(0)
    if zeros and zeros * 4 >= len(head) * 3 - 4:
        return "UTF-32"
    if zeros and zeros * 3 >= len(head):
        return "UTF-16"
    return None


def refuse_foreign_encoding(path: Path) -> None:
    """InputFileError when the file is UTF-16 or UTF-32 text instead of UTF-8."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror}") from exc
    encoding = foreign_encoding(head)
    if encoding:
        raise InputFileError(path, f"not UTF-8: the file is {encoding} text; save it as UTF-8 and "
                                   "load it again; nothing was loaded from this file")


def _never(_text: str | bytes) -> None:
    return None


def read_records(path: Path, fast_decode: FastDecoder | None = None) -> Iterator[RawRecord]:
    """The records of one batch file, in order; ``fast_decode`` is the contract's own
    decoder for its usual record (tried first; anything it refuses is decoded generally)."""
    fast = fast_decode or _never
    refuse_foreign_encoding(path)
    if file_format(path) == "json":
        return _ArrayReader(path, fast).records()
    return _json_lines(path, fast)


def _json_lines(path: Path, decode_line: FastDecoder) -> Iterator[RawRecord]:
    # a megabyte a read, not io's 8 KiB: the lines of the 1M change events' file (1.3 GB)
    # took 0.56 s of CPU with the default buffer, 0.31 s with this one (measured)
    with open(path, "rb", buffering=CHUNK_BYTES) as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]
            line = line.rstrip(b"\r\n")
            if not line or line.isspace():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                # Bronze keeps the bad bytes visible as \xNN escapes
                yield RawRecord(number, line.decode("utf-8", "backslashreplace"), error=Rejection(
                    INVALID_JSON, None, f"line {number} is not valid UTF-8 (byte {exc.start + 1} of the line)"))
                continue
            value = decode_line(line)
            if value is not None:
                yield _new_record((number, text, value, None))
                continue
            try:
                value = decode(line)
            except json.JSONDecodeError as exc:
                # the decoder's messages may end in "at" ("Unterminated string starting at")
                yield RawRecord(number, text, error=Rejection(
                    INVALID_JSON, None,
                    f"line {number} is not valid JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}"))
                continue
            except ValueError as exc:
                yield RawRecord(number, text, error=Rejection(
                    INVALID_JSON, None, f"line {number} is not valid JSON: {exc}"))
                continue
            except RecursionError:
                yield RawRecord(number, text, error=Rejection(
                    INVALID_JSON, None, f"line {number} is nested too deeply to decode"))
                continue
            yield RawRecord(number, text, value, duplicate_key_rejection(text))


class _ArrayReader:
    """Incremental reader of one JSON array, tracking line and column for errors."""

    def __init__(self, path: Path, fast_decode: FastDecoder):
        self.path = path
        self.fast_decode = fast_decode
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.bytes_read = 0
        self.dropped = 0        # characters of the file before buffer[0] (after a BOM)
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")

    def records(self) -> Iterator[RawRecord]:
        try:
            with open(self.path, "rb") as handle:
                self.handle = handle
                yield from self._elements()
        except OSError as exc:
            raise InputFileError(self.path, f"cannot read: {exc.strerror}") from exc

    # -- reading -------------------------------------------------------------------
    def _fill(self) -> None:
        data = self.handle.read(CHUNK_BYTES)
        try:
            if data:
                text = self.decoder.decode(data)
            else:
                text = self.decoder.decode(b"", final=True)
                self.eof = True
        except UnicodeDecodeError as exc:
            raise InputFileError(
                self.path,
                f"not valid UTF-8 at byte {self.bytes_read + exc.start + 1}; nothing was loaded from this file",
            ) from None
        if self.bytes_read == 0 and text.startswith("\ufeff"):
            text = text[1:]
        self.bytes_read += len(data)
        self.buffer += text

    def _compact(self) -> None:
        if self.pos < CHUNK_BYTES:
            return
        self.dropped += self.pos
        self.buffer = self.buffer[self.pos:]
        self.pos = 0

    def _where(self, pos: int) -> str:
        """'line L, column C' of buffer[pos], counted from the file's start.

        Only an error needs it, so the file is read again up to that point rather than
        counting lines all the way through every file that is fine.
        """
        target = self.dropped + pos      # characters before the position
        line, last_newline, seen = 1, -1, 0
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        with open(self.path, "rb") as handle:
            first = True
            while seen < target:
                data = handle.read(CHUNK_BYTES)
                text = decoder.decode(data, final=not data)
                if first and text.startswith("\ufeff"):
                    text = text[1:]
                first = False
                if not text:
                    break
                text = text[: target - seen]
                newlines = text.count("\n")
                if newlines:
                    line += newlines
                    last_newline = seen + text.rfind("\n")
                seen += len(text)
        return f"line {line}, column {target - last_newline}"

    def _refuse(self, pos: int, what: str) -> InputFileError:
        return InputFileError(
            self.path,
            f"not a well-formed JSON array: {what} at {self._where(pos)}; nothing was loaded from this file",
        )

    def _skip_whitespace(self) -> None:
        while True:
            self.pos = _WHITESPACE.match(self.buffer, self.pos).end()
            if self.pos < len(self.buffer) or self.eof:
                return
            self._fill()

    def _next_char(self) -> str:
        self._skip_whitespace()
        return self.buffer[self.pos] if self.pos < len(self.buffer) else ""

    def _decode_value(self):
        start = self.pos
        fast = self._decode_line(start)
        if fast is not None:
            return fast
        while True:
            try:
                _value, end = LENIENT_DECODER.raw_decode(self.buffer, start)
            except json.JSONDecodeError as exc:
                if not self.eof and len(self.buffer) - start < MAX_RECORD_CHARS:
                    self._fill()
                    continue
                if not self.eof:
                    raise self._refuse(start, f"a record longer than {MAX_RECORD_CHARS} characters") from None
                # the decoder's messages may end in "at" ("Unterminated string starting at")
                raise self._refuse(exc.pos, exc.msg.removesuffix(" at")) from None
            except RecursionError:
                raise self._refuse(start, "a record nested too deeply to decode") from None
            if end == len(self.buffer) and not self.eof:
                self._fill()      # the value may go on in the next chunk (e.g. a number)
                continue
            try:
                # the same value the fast path would give (floats; Unicode checked)
                text = self.buffer[start:end]
                return decode(text), duplicate_key_rejection(text), start, end
            except ValueError as exc:
                return None, Rejection(INVALID_JSON, None, f"record is not valid JSON: {exc}"), start, end

    def _decode_line(self, start: int):
        """Fast path for the common layout of one object per line: ``{...},`` or ``{...}``.

        An object is self-delimiting, so when the rest of the line (less a trailing
        comma) decodes as one object, it ends exactly where the general parser would
        end it. Anything else falls back to the general parser.
        """
        if self.buffer.startswith("{", start):
            newline = self.buffer.find("\n", start)
            if newline != -1:
                segment = self.buffer[start:newline].rstrip()
                if segment.endswith(","):
                    segment = segment[:-1].rstrip()
                if segment.endswith("}"):
                    value = self.fast_decode(segment)
                    error = None
                    if value is None:
                        try:
                            value = orjson.loads(segment)
                        except orjson.JSONDecodeError:
                            return None
                        error = duplicate_key_rejection(segment)
                    return value, error, start, start + len(segment)
        return None

    def _one_per_line(self, number: int) -> Iterator[RawRecord]:
        """Take records laid out one per line as ``{...},`` (how the generator, and most
        exporters, write an array) while that layout holds; return the last record number.

        Such a line is taken whole only when the text before its comma decodes as one
        object of the contract's shape: an object is self-delimiting, so it ends exactly
        where the general parser would end it. Anything else (the last record, other
        layouts, a record the contract refuses) is left to the general parser.
        """
        decode_line = self.fast_decode
        while True:
            buffer, pos = self.buffer, self.pos
            find = buffer.find
            newline = -1
            while buffer.startswith("{", pos):
                newline = find("\n", pos)
                if newline == -1 or buffer[newline - 1] != ",":
                    break
                text = buffer[pos:newline - 1]
                value = decode_line(text)
                if value is None:
                    break
                number += 1
                yield _new_record((number, text, value, None))
                pos = newline + 1
            self.pos = pos
            if newline != -1 or self.eof or not buffer.startswith("{", pos):
                return number
            self._compact()                 # the line goes on in the next chunk
            self._fill()

    # -- grammar -------------------------------------------------------------------
    def _elements(self) -> Iterator[RawRecord]:
        first = self._next_char()
        if first == "":
            raise self._refuse(self.pos, "the file is empty (expected '[')")
        if first != "[":
            raise self._refuse(self.pos, f"expected '[' to open the array, found {first!r}")
        self.pos += 1
        if self._next_char() == "]":
            self.pos += 1
        else:
            number = 0
            while True:
                taken = yield from self._one_per_line(number)
                if taken > number and self._next_char() == "]":   # the last line's comma
                    raise self._refuse(self.pos, "a trailing comma before ']'")
                number = taken
                if self._next_char() == "":
                    raise self._refuse(self.pos, "the file ends inside the array (missing ']')")
                value, error, start, end = self._decode_value()
                number += 1
                yield RawRecord(number, self.buffer[start:end], value, error)
                self.pos = end
                if self.pos > CHUNK_BYTES:
                    self._compact()
                if self.buffer.startswith(",\n{", end):   # the usual one-record-per-line layout
                    self.pos = end + 2
                    continue
                separator = self._next_char()
                if separator == ",":
                    self.pos += 1
                    if self._next_char() == "]":
                        raise self._refuse(self.pos, "a trailing comma before ']'")
                    continue
                if separator == "]":
                    self.pos += 1
                    break
                if separator == "":
                    raise self._refuse(self.pos, "the file ends inside the array (missing ']')")
                raise self._refuse(self.pos, f"expected ',' or ']' after record {number}, found {separator!r}")
        if self._next_char() != "":
            raise self._refuse(self.pos, "unexpected data after the closing ']'")
