"""Whether a database file is as long as its own header says (issue 12 polish).

A file cut off after an intact header opens fine: DuckDB reads the catalogue
and the table counts from the first blocks, and only a page that reads a
later block fails, long after ``serve`` said the dashboard was running. The
header and the tables' storage say which blocks hold data, so comparing the
file's length with the least it must have finds the cut at once, without
reading any data. The check opens the file read-only: a refused file is left
exactly as it was.

The least, not the header's total: a checkpoint after a large delete (an
erasure, a purge, a new import) cuts the free blocks at the end off the
file, while the header still counts them among its blocks. Two bounds that
hold for every healthy file: the blocks in use, and the highest block that
holds table data.
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
    """The least length in bytes a whole file with this header and these tables
    has, or None when DuckDB cannot open it read-only (then opening it normally
    gives the reason)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(load_sql("store/meta/database_size")).fetchone()
        if row is None:
            return None
        block_size, used_blocks = (int(value) for value in row)
        highest = _highest_data_block(con)
    except duckdb.Error:
        return None
    finally:
        con.close()
    return HEADER_BYTES + block_size * max(used_blocks, highest + 1)


def _highest_data_block(con: duckdb.DuckDBPyConnection) -> int:
    """The highest block id any table's stored data uses (-1 without any)."""
    highest = -1
    for (table,) in con.execute(load_sql("store/meta/table_names")).fetchall():
        # pragma_storage_info reads one table a call: its name is a bound value
        (block,) = con.execute(load_sql("store/meta/highest_data_block"), {"table": table}).fetchone()
        if block is not None:
            highest = max(highest, int(block))
    return highest


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
