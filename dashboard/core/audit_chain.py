"""The hash chain of the audit trail: one definition, used by the schema
upgrade that chains existing rows (``dashboard.store.db``), by every new row
(``dashboard.privacy.audit.record``) and by ``audit verify``.

Each row stores ``prev_hash`` (the ``row_hash`` of the row before it, by id;
NULL for the first row ever) and ``row_hash``: SHA-256 over the previous hash
and the row's own content, as a JSON list (unambiguous: no separator can be
forged by a value, NULL stays distinct from text). An edit of any column of
a row, a deleted or an inserted row then breaks the chain at that row.

What it does not prove: someone who can write the file and knows this
function can rewrite the whole chain after an edit. ``audit verify`` prints
the last id and hash; kept elsewhere (a ticket, an e-mail), it pins the log
up to that row (docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

# The columns that a row's hash covers, in this order (after prev_hash). Not the
# id: the database gives it on insert (a replayed or concurrent insert must not
# collide), and the order of the rows is what prev_hash already chains.
CONTENT_COLUMNS: tuple[str, ...] = ("occurred_at", "actor", "role", "action", "subject_id", "detail")
# A row as the chain reads it: its id, then its content.
ROW_COLUMNS: tuple[str, ...] = ("id", *CONTENT_COLUMNS)


def _text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return value.to_pydatetime().isoformat(timespec="microseconds")
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float) and value != value:  # NaN from a frame: NULL
        return None
    return str(value)


def row_hash(prev_hash: str | None, content: Sequence[Any]) -> str:
    """The hash of a row: ``content`` are its ``CONTENT_COLUMNS`` values in order."""
    payload = json.dumps([prev_hash, *(_text(v) for v in content)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chain(rows: Iterable[Sequence[Any]], prev_hash: str | None) -> list[tuple[int, str | None, str]]:
    """(id, prev_hash, row_hash) for ``rows`` (their ``ROW_COLUMNS``, in id
    order) chained after ``prev_hash``."""
    out = []
    for row in rows:
        digest = row_hash(prev_hash, row[1:len(ROW_COLUMNS)])
        out.append((int(row[0]), prev_hash, digest))
        prev_hash = digest
    return out
