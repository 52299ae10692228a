"""Whether a database file is as long as its own header says (issue 12 polish).

A file cut off after an intact header opens fine: DuckDB reads the catalogue
and the table counts from the first blocks, and only a page that reads a
later block fails, long after ``serve`` said the dashboard was running. The
header knows how many blocks the file holds, so comparing that with the
file's length finds the cut at once, without reading any data. The check
opens the file read-only: a refused file is left exactly as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from dashboard.core.i18n import DEFAULT_LANGUAGE, t
from dashboard.store.db import DamagedDatabaseError, load_sql

# DuckDB's file starts with three 4 KiB headers (the file header and two
# alternating database headers); the blocks follow them.
HEADER_BYTES = 3 * 4096


def expected_size(path: os.PathLike[str] | str) -> int | None:
    """The length in bytes the file's header promises, or None when DuckDB
    cannot open it read-only (then opening it normally gives the reason)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(load_sql("store/meta/database_size")).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    if row is None:
        return None
    block_size, total_blocks = (int(value) for value in row)
    return HEADER_BYTES + block_size * total_blocks


def check_complete(path: os.PathLike[str] | str, lang: str = DEFAULT_LANGUAGE) -> None:
    """Raise ``DamagedDatabaseError`` (naming the file) when an existing database
    file is shorter than its header says: it was truncated."""
    path = Path(path)
    if not path.is_file():
        return
    expected = expected_size(path)
    actual = path.stat().st_size
    if expected is not None and actual < expected:
        raise DamagedDatabaseError(path, t("db.damaged.truncated", lang, actual=_bytes(actual),
                                           expected=_bytes(expected)))


def _bytes(n: int) -> str:
    return f"{n:,}".replace(",", ".")
