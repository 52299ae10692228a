"""Spreadsheet formula neutralisation for downloads and exports.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is run as a formula by Excel and LibreOffice when a CSV or workbook is
opened ("CSV injection"): a name like ``=HYPERLINK("http://x","y")`` would
become a live link. Such a value gets one leading apostrophe, which
spreadsheets show as a plain text marker.

The interchange export must stay lossless, so the scheme is reversible: a
value that already starts with apostrophes followed by one of those
characters gets one more apostrophe, and ``restore_text`` removes exactly one
from any value of the form ``'…'<trigger>…``. Values such as ``'t Hooft``
(an apostrophe not followed by a trigger) are never touched in either
direction.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"

# Zero or more apostrophes, then a trigger: such a value is escaped on the way out.
_NEEDS_ESCAPE = re.compile(r"^'*[=+\-@\t\r]")
# One or more apostrophes, then a trigger: such a value carries an escape.
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


def neutralise_text(value: str) -> str:
    """``value`` with one leading apostrophe if a spreadsheet would read it as a formula."""
    return ESCAPE + value if _NEEDS_ESCAPE.match(value) else value


def restore_text(value: str) -> str:
    """The inverse of ``neutralise_text``: drops the apostrophe it added."""
    return value[1:] if _ESCAPED.match(value) else value


def _map_text_cells(frame: pd.DataFrame, pattern: re.Pattern[str], change) -> pd.DataFrame:
    result = frame.copy()
    for column in result.columns:
        values = result[column]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue  # numbers, dates and booleans are not formulas
        if pd.api.types.is_string_dtype(values) and values.dtype != object:
            hits = values.str.match(pattern.pattern, na=False).to_numpy(dtype=bool)
        else:
            hits = [isinstance(v, str) and bool(pattern.match(v)) for v in values.tolist()]
        if any(hits):
            changed = [change(v) if hit else v for v, hit in zip(values.tolist(), hits)]
            result[column] = pd.Series(changed, index=values.index, dtype=values.dtype)
    return result


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas."""
    return _map_text_cells(frame, _NEEDS_ESCAPE, neutralise_text)


def restore_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with what ``neutralise_formulas`` added taken off again."""
    return _map_text_cells(frame, _ESCAPED, restore_text)
