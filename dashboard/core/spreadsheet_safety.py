"""Spreadsheet formula neutralisation, and the one CSV writer, for every text that leaves the product.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is run as a formula by Excel and LibreOffice when a CSV or workbook is
opened ("CSV injection"): a name like ``=HYPERLINK("http://x","y")`` would
become a live link. So is one whose ``=`` (or ``+``, ``-``, ``@``) comes after
leading whitespace or control characters (`` =1+1``, ``\n@SUM(A1)``): some
readers drop those first. Such a value gets one leading apostrophe, which
spreadsheets show as a plain text marker.

The interchange export must stay lossless, so the scheme is reversible: a
value that already starts with apostrophes followed by one of those
characters gets one more apostrophe, and ``restore_text`` removes exactly one
from any value of the form ``'…'<trigger>…``. Values such as ``'t Hooft``
(an apostrophe not followed by a trigger) are never touched in either
direction.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

import numpy as np
import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"

# A trigger: tab or CR, or =+-@ after any leading whitespace, control or invisible formatting characters.
_TRIGGER = r"(?:[\t\r]|[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff]*[=+\-@])"
# Zero or more apostrophes, then a trigger: such a value is escaped on the way out.
_NEEDS_ESCAPE = re.compile(r"^'*" + _TRIGGER)
# One or more apostrophes, then a trigger: such a value carries an escape.
_ESCAPED = re.compile(r"^'+" + _TRIGGER)


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


# --- the one CSV writer ---------------------------------------------------------------------------
# Every CSV the product writes (the interchange export, the command-line reports, ``users list``,
# the audit trail, the page downloads) goes through ``write_csv``: RFC 4180 quoting of every field
# that holds a ``,`` or a ``;`` (whichever separates), a quote, a CR or a LF, so that no reader, with
# either separator, splits a field or starts a line inside one (a lone CR, as in ``Jan\r=1+1``,
# included; the csv module and pandas leave that unquoted).


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    decimal: str  # how a fraction is written: "." or ","
    bom: bool  # a UTF-8 byte order mark first, so that Excel reads accents right
    line_end: str = "\r\n"


# The interchange format (shared/data-contract.md): `,`, UTF-8 without BOM, LF line ends.
INTERCHANGE = CsvDialect(",", ".", False, "\n")
# The command-line reports, ``users list`` and ``audit --format csv``: for programs, like the export.
MACHINE = CsvDialect(",", ".", False, "\n")
# Page downloads open in the user's Excel: a Dutch Excel splits on `;` and reads 0,5; an English one `,` and 0.5.
DOWNLOAD = {"nl": CsvDialect(";", ",", True), "en": CsvDialect(",", ".", True)}

_QUOTE_WORTHY = re.compile(r'[,;"\r\n]')


def download_dialect(lang: str | None) -> CsvDialect:
    """The dialect of a page download in the user's language (Dutch unless English)."""
    return DOWNLOAD.get(lang or "nl", DOWNLOAD["nl"])


def _field(value: object, dialect: CsvDialect, neutralise: bool) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (list, tuple)):
        value = ";".join(map(str, value))
    if isinstance(value, (bool, np.bool_)):
        text = str(bool(value))
    elif isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ""
        text = repr(float(value))
        if dialect.decimal != ".":
            text = text.replace(".", dialect.decimal)
        # A number is no formula, and its decimal comma needs no quotes where `;` separates.
        return f'"{text}"' if dialect.delimiter in text else text
    elif isinstance(value, (int, np.integer)):
        text = str(int(value))
    else:
        text = str(value)
        if neutralise:
            text = neutralise_text(text)
    if _QUOTE_WORTHY.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(out: TextIO, header: Iterable[object], rows: Iterable[Iterable[object]], dialect: CsvDialect, *,
              neutralise: bool = True) -> None:
    """Write ``header`` and ``rows`` to ``out`` (opened with ``newline=""``) in ``dialect``.

    Text cells are neutralised (``neutralise_text``) unless the caller already did
    (``neutralise=False``: the export neutralises its tables once, for CSV and workbook alike);
    numbers are written as numbers with the dialect's decimal mark; missing is empty.
    """
    if dialect.bom:
        out.write("\ufeff")
    separator = dialect.delimiter
    out.write(separator.join(_field(str(name), dialect, neutralise) for name in header) + dialect.line_end)
    for row in rows:
        out.write(separator.join(_field(value, dialect, neutralise) for value in row) + dialect.line_end)


def frame_csv(frame: pd.DataFrame, dialect: CsvDialect, *, neutralise: bool = True) -> str:
    """``frame`` (without its index) as CSV text in ``dialect``."""
    out = io.StringIO(newline="")
    write_csv(out, frame.columns, frame.itertuples(index=False, name=None), dialect, neutralise=neutralise)
    return out.getvalue()


# --- text in workbooks ---------------------------------------------------------------------------
# XML cannot hold most control characters, and a reader turns a CR into a LF. OOXML writes such a
# character as ``_xHHHH_`` (and a literal ``_xHHHH_`` with its underscore escaped, ``_x005F_xHHHH_``);
# Excel reads it back as the character, and so does the import (``workbook_text``), so a value
# survives a workbook byte for byte.
_XML_UNSAFE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
_XML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def xlsx_text(value: str) -> str:
    """``value`` as a workbook cell's text: CR, other control characters and ``_xHHHH_`` escaped."""
    return _XML_UNSAFE.sub(lambda match: f"_x{ord(match.group(0)):04X}_", value)


def workbook_text(value: str) -> str:
    """The inverse of ``xlsx_text``: what a workbook cell's ``_xHHHH_`` escapes stand for."""
    if "_x" not in value:
        return value
    return _XML_ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), value)
