"""Reading an import's files within ``ImportLimits`` (issue 16), before memory grows.

* A zip is unpacked to a temporary folder in chunks, counting the bytes that
  come out (not the sizes the zip declares), and stops at the bound.
* A workbook (itself a zip) is measured the same way before openpyxl opens it;
  its sheets are then read row by row, counting rows, cells per row and cells
  in all, whatever dimensions the sheet claims.
* A CSV file is scanned in chunks for its line lengths, its number of lines
  and the columns of its header before it is parsed.

A bound that is reached raises ``LimitExceeded``; the importer turns it into a
message naming the file and the bound.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dashboard.exchange.limits import ImportLimits

_CHUNK = 1024 * 1024  # small: the scan makes a few arrays of this size
_LINE_END = re.compile(rb"\r\n|\r|\n")


class LimitExceeded(Exception):
    """A bound of ``ImportLimits`` (``limit``: the field's name) was reached; ``line`` where, if known."""

    def __init__(self, limit: str, value: int, line: int | None = None):
        self.limit = limit
        self.value = value
        self.line = line
        super().__init__(f"{limit} ({value}) exceeded" + (f" at line {line}" if line else ""))


@dataclass
class Budget:
    """What one import has used of its bounds (rows and cells count over all its files)."""

    limits: ImportLimits = field(default_factory=ImportLimits.from_environment)
    rows: int = 0
    cells: int = 0

    def take_rows(self, count: int, line: int | None = None) -> None:
        self.rows += count
        if self.rows > self.limits.max_rows:
            raise LimitExceeded("max_rows", self.limits.max_rows, line)

    def take_cells(self, count: int, line: int | None = None) -> None:
        self.cells += count
        if self.cells > self.limits.max_sheet_cells:
            raise LimitExceeded("max_sheet_cells", self.limits.max_sheet_cells, line)


def check_entries(count: int, limits: ImportLimits) -> None:
    if count > limits.max_zip_entries:
        raise LimitExceeded("max_zip_entries", limits.max_zip_entries)


def _copy_counting(archive: zipfile.ZipFile, member: zipfile.ZipInfo, sink, used: int, limits: ImportLimits) -> int:
    with archive.open(member) as source:
        while chunk := source.read(_CHUNK):
            used += len(chunk)
            if used > limits.max_unpacked_bytes:
                raise LimitExceeded("max_unpacked_mb", limits.max_unpacked_mb)
            if sink is not None:
                sink.write(chunk)
    return used


def unpack(archive: zipfile.ZipFile, members: Iterable[zipfile.ZipInfo], folder: Path,
           limits: ImportLimits) -> list[tuple[str, Path]]:
    """Unpack ``members`` flat into ``folder`` (numbered files: names may repeat or be hostile),
    counting what comes out; (the member's file name, where it is) for each."""
    used = 0
    unpacked = []
    for number, member in enumerate(members):
        target = folder / f"{number:05d}.csv"
        with open(target, "wb") as sink:
            used = _copy_counting(archive, member, sink, used, limits)
        unpacked.append((Path(member.filename).name, target))
    return unpacked


def measure(archive: zipfile.ZipFile, limits: ImportLimits) -> None:
    """Decompress every member of ``archive`` without keeping it, counting the bytes (a workbook's
    sheets and shared strings, before openpyxl reads any of them into memory)."""
    members = archive.infolist()
    check_entries(len(members), limits)
    used = 0
    for member in members:
        used = _copy_counting(archive, member, None, used, limits)


def _chunks(content: bytes | Path) -> Iterator[bytes]:
    if isinstance(content, Path):
        with open(content, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk
    else:
        for start in range(0, len(content), _CHUNK):
            yield content[start:start + _CHUNK]


def scan_csv(content: bytes | Path, budget: Budget) -> None:
    """Check a CSV file's lines (length, number) and its header's columns in chunks, before it is
    read whole. Lines are counted as a text editor counts them (CR, LF and CRLF end one)."""
    limits = budget.limits
    longest_allowed = limits.max_line_bytes
    current = 0  # length of the line still open at the end of the previous chunk
    lines = 0
    header = bytearray()
    header_done = False
    for chunk in _chunks(content):
        data = np.frombuffer(chunk, dtype=np.uint8)
        ends = np.flatnonzero((data == 10) | (data == 13))
        if not header_done:
            header, header_done = _find_header(header, chunk, limits, lines)
        if len(ends) == 0:
            current += len(chunk)
            if current > longest_allowed:
                raise LimitExceeded("max_line_kb", limits.max_line_kb, lines + 1)
            continue
        lengths = np.diff(ends) - 1
        first = current + int(ends[0])
        if first > longest_allowed:
            raise LimitExceeded("max_line_kb", limits.max_line_kb, lines + 1)
        if len(lengths) and int(lengths.max()) > longest_allowed:
            start = int(ends[int(np.argmax(lengths))]) + 1
            raise LimitExceeded("max_line_kb", limits.max_line_kb, lines + 1 + _line_ends(data[:start]))
        new_lines = _line_ends(data)
        budget.take_rows(new_lines, lines + new_lines)
        lines += new_lines
        current = len(chunk) - 1 - int(ends[-1])
    if not header_done and header.strip():
        _check_header(bytes(header), limits, lines + 1)


def _line_ends(data: np.ndarray) -> int:
    """Line ends in ``data``: a CRLF is one, as are a lone CR and a lone LF."""
    ends = int(np.count_nonzero((data == 10) | (data == 13)))
    return ends - int(np.count_nonzero((data[:-1] == 13) & (data[1:] == 10)))


def _find_header(pending: bytearray, chunk: bytes, limits: ImportLimits, lines: int) -> tuple[bytearray, bool]:
    """Check the first non-blank line once it is complete; (what is still open, whether done)."""
    text = bytes(pending) + chunk
    start = 0
    for match in _LINE_END.finditer(text):
        if text[start:match.start()].strip():
            _check_header(text[start:match.start()], limits, lines + 1)
            return bytearray(), True
        start = match.end()
    rest = bytearray(text[start:])
    if len(rest) > limits.max_line_bytes:  # the line-length check reports it
        return bytearray(), True
    return rest, False


def _check_header(line: bytes, limits: ImportLimits, number: int) -> None:
    """A header with more columns than allowed (counted by its most frequent separator)."""
    columns = max(line.count(separator) for separator in (b",", b";", b"\t")) + 1
    if columns > limits.max_columns:
        raise LimitExceeded("max_columns", limits.max_columns, number)


def sheet_rows(rows: Iterable[tuple[object, ...]], budget: Budget) -> Iterator[tuple[object, ...]]:
    """The rows of a read-only sheet within the bounds, without trailing empty cells (a row padded
    to the claimed ``XFD`` column, or one styled cell far right, costs nothing). An empty row is
    ``()``, one shared object, so that a sheet claiming a million rows costs a pointer per row."""
    limits = budget.limits
    for line, row in enumerate(rows, start=1):
        budget.take_rows(1, line)
        width = len(row)
        while width and (row[width - 1] is None or row[width - 1] == ""):
            width -= 1
        if width > limits.max_columns:
            raise LimitExceeded("max_columns", limits.max_columns, line)
        budget.take_cells(width, line)
        yield row[:width] if width else ()
