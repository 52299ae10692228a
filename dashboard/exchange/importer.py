"""Import of the interchange format (shared/data-contract.md): read, validate, write.

A dataset is a folder of CSV files, a ``.zip`` of such a folder, or one
``.xlsx`` workbook. The import runs in three steps:

1. Read every file as text (separator and encoding detected for CSV), with the
   spreadsheet line number of every row: Arrow's CSV reader, or the csv
   module for rows wider or narrower than the header.
2. Validate everything, vectorised per column (Arrow and pandas), against the
   import itself and (when merging) the database; comparisons of keys with
   the stored tables are hash joins in DuckDB. Every problem becomes an
   ``ImportIssue``; all of them are reported, not just the first.
3. Only when there is no issue at all: write in one transaction from the
   staged tables as Arrow (``queries/exchange/import/``), so a failed or killed import
   leaves the database exactly as it was. A merge into a database with data
   checks integrity over the rows it wrote only.

Decisions the contract leaves open (documented in docs/gegevensformaat.md):
files that do not end in ``.csv``, hidden files and files or sheets whose name
starts with ``x_`` are ignored; other unknown ``.csv`` files or non-empty
sheets are an error. A column absent from a file keeps the stored value of an
updated row in a merge. Absent ``functions`` / norm files mean the shipped
defaults when the table would otherwise be empty; a file with only a header
means "none".

Cells that an export protected against spreadsheet formulas (a leading
apostrophe before ``=``, ``+``, ``-``, ``@``...) get that apostrophe taken off
again (``dashboard/core/spreadsheet_safety.py``), so export and import round-trip.

Audit trail: a written import is recorded inside its own write transaction,
so the row exists exactly when the data does. A failed attempt (errors found,
or the write refused) is recorded separately as ``import_failed`` with the
number of errors only; the values in the messages may be personal data. A dry
run writes nothing and is not recorded.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import dataclasses
import datetime as dt
import io
import json
import re
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from dashboard.analysis import Norm, derived
from dashboard.privacy import audit
from dashboard.core import domain
from dashboard.store.db import (
    FULL_CHECK, INTEGRITY_RULES, DamagedDatabaseError, Database, DatabaseError, IntegrityError, WriteFailedError,
    execute_statements, load_sql,
)
from dashboard.core.i18n import normalise_language, t
from dashboard.exchange import aliases
from dashboard.exchange.bounded import Budget, LimitExceeded, check_entries, measure, scan_csv, sheet_rows, unpack
from dashboard.exchange.progress import Steps, report, terminal_steps
from dashboard.exchange.interchange import EXTRA_PREFIX, FILE_BY_NAME, FILES, REQUIRED_FOR_NEW, FileSpec
from dashboard.exchange.limits import ImportLimits
from dashboard.core.spreadsheet_safety import restore_text, workbook_text

# A merge checks only the keys it staged (its opening), under the same rules.
STAGED_CHECK: tuple[str, ...] = ("exchange/import/integrity_violations", INTEGRITY_RULES)

_LINE = "_line"
_FUNCTION_SEPARATORS = re.compile(r"[;,|]")

# Order of allowed values in messages (strength: strongest first, as people say it).
_DISPLAY_ORDER: dict[str, tuple[str, ...]] = {
    **domain.DOMAINS,
    "strength": ("sterk", "zwak", "geen"),
}
# Which value domain each coded column uses.
_COLUMN_DOMAIN: dict[tuple[str, str], str] = {
    ("schools", "sector"): "sector",
    ("people", "role"): "role",
    ("people", "orientation"): "orientation",
    ("relationships", "wave"): "wave",
    ("relationships", "strength"): "strength",
    ("relationships", "klik"): "klik",
    ("relationships", "contribution"): "contribution",
    ("relationships", "contact_frequency"): "frequency",
    ("consultations", "wave"): "wave",
    ("consultations", "frequency"): "frequency",
    ("needs", "wave"): "wave",
    ("norm_roles", "role"): "role",
    ("norm_roles", "expected_strength"): "strength",
    ("norm_consultations", "role_a"): "role",
    ("norm_consultations", "role_b"): "role",
    # contract version 2 (steps 5 and 6)
    ("valuations", "wave"): "wave",
    ("valuations", "support"): "support",
    ("actions", "wave"): "wave",
    ("actions", "status"): "status",
}
_BOOLEAN_COLUMNS: dict[str, tuple[str, ...]] = {"relationships": ("formal", "assesses")}
# Columns holding codes (compared and stored lower-case) rather than free text.
_CODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "functions": ("code", "group"),
    "needs": ("function",),
    "actions": ("function",),
}
# (file, column) -> (referenced file, its key column)
_REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("trainees", "school_id"): ("schools", "school_id"),
    ("trainees", "institute_id"): ("institutes", "institute_id"),
    ("people", "school_id"): ("schools", "school_id"),
    ("people", "institute_id"): ("institutes", "institute_id"),
    ("relationships", "trainee_id"): ("trainees", "trainee_id"),
    ("relationships", "person_id"): ("people", "person_id"),
    ("consultations", "trainee_id"): ("trainees", "trainee_id"),
    ("consultations", "person_a"): ("people", "person_id"),
    ("consultations", "person_b"): ("people", "person_id"),
    ("needs", "trainee_id"): ("trainees", "trainee_id"),
    ("valuations", "trainee_id"): ("trainees", "trainee_id"),
    ("actions", "trainee_id"): ("trainees", "trainee_id"),
    ("actions", "person_id"): ("people", "person_id"),
}
# Table columns in the order of the staged frames (= the upsert statements).
_TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "functions": ("code", "label_nl", "label_en", "group", "description", "position", "extra"),
    "schools": ("school_id", "name", "sector", "extra"),
    "institutes": ("institute_id", "name", "extra"),
    "trainees": ("trainee_id", "name", "school_id", "institute_id", "cohort", "programme", "study_year",
                 "email", "extra"),
    "people": ("person_id", "name", "role", "school_id", "institute_id", "orientation", "email", "extra"),
    "relationships": ("trainee_id", "person_id", "wave", "formal", "strength", "klik", "contribution",
                      "assesses", "contact_frequency", "contact_note", "extra"),
    "relationship_functions": ("trainee_id", "person_id", "wave", "function"),
    "consultations": ("trainee_id", "person_a", "person_b", "wave", "frequency", "extra"),
    "needs": ("trainee_id", "wave", "function", "extra"),
    "norm_roles": ("programme", "role", "expected_strength", "extra"),
    "norm_consultations": ("programme", "role_a", "role_b", "extra"),
    "valuations": ("trainee_id", "wave", "support", "note", "extra"),
    "actions": ("trainee_id", "wave", "action_id", "function", "person_id", "note", "status", "extra"),
}
_INT_COLUMNS = {("trainees", "study_year"), ("functions", "position")}
# Stored keys read into Python (small, or ids that other files reference); see _stored_keys.
_STORED_KEY_TABLES = ("functions", "schools", "institutes", "trainees", "people", "norm_roles", "norm_consultations")
_DEFAULTED_FILES = ("functions", "norm_roles", "norm_consultations")


# --- issues and results ------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """One validation error, located as a spreadsheet user finds it."""

    file: str  # e.g. "relationships.csv" (or "gegevens.xlsx › relationships")
    line: int | None  # spreadsheet line, header = 1
    column: str | None
    value: str | None
    code: str  # stable code, e.g. "invalid_value"
    # Language-independent details for the message, e.g. (("domain", "strength"),).
    params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: str = "nl") -> str:
        lang = normalise_language(lang)
        return f"{self.location(lang)}: {self.explanation(lang)}"

    def __str__(self) -> str:  # so that printing an issue shows the Dutch message, not the fields
        return self.message()

    def location(self, lang: str = "nl") -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(t("import.where.line", lang, line=self.line))
        if self.column is not None:
            parts.append(t("import.where.column", lang, column=self.column))
        return ", ".join(parts)

    def explanation(self, lang: str = "nl") -> str:
        lang = normalise_language(lang)
        values: dict[str, str] = {"value": "" if self.value is None else self.value, "column": self.column or ""}
        values.update(self.params)
        if "domain" in values:
            values["what"] = t(f"import.domain.{values['domain']}", lang)
            values["allowed"] = _allowed_values(values["domain"], lang)
        if "target" in values:
            values["target_file"] = f"{values['target']}.csv"
            values["where"] = t("import.where.import_only" if values.get("replace") == "1"
                                else "import.where.import_or_db", lang)
        text = t(f"import.error.{self.code}", lang, **values)
        if "suggestion" in values:
            text += " " + t("import.did_you_mean", lang, suggestion=values["suggestion"])
        return text


@dataclass
class ImportResult:
    errors: list[ImportIssue]
    counts: dict[str, int] = field(default_factory=dict)  # rows read per file
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    written: bool = False  # True only if committed
    mode: str = "merge"
    source: str = ""
    defaults: tuple[str, ...] = ()  # tables filled with the shipped defaults

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        """All errors found, also those only counted (``more_errors``)."""
        return sum(int(dict(issue.params)["count"]) if issue.code == "more_errors" else 1 for issue in self.errors)


def _join_words(words: Iterable[str], lang: str) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {t('import.word.or', lang)} {words[-1]}"


def _allowed_values(domain_name: str, lang: str) -> str:
    """E.g. 'sterk, zwak of geen (of strong, weak, none)'; English first in English."""
    if domain_name == "boolean":
        return t("import.allowed.boolean", lang)
    if domain_name == "functions":
        return ""
    codes = list(_DISPLAY_ORDER[domain_name])
    alias_of = {code: alias for alias, code in domain.ALIASES[domain_name].items()}
    aliases = [alias_of[c] for c in codes if c in alias_of]
    first, second = (aliases, codes) if lang == "en" and len(aliases) == len(codes) else (codes, aliases)
    text = _join_words(first, lang)
    if second:
        text += f" ({t('import.word.or', lang)} {', '.join(second)})"
    return text


def errors_frame(result: ImportResult, lang: str = "nl") -> pd.DataFrame:
    """The errors as a table for the upload page, with localised headers."""
    lang = normalise_language(lang)
    headers = [t(f"import.frame.{name}", lang) for name in ("file", "line", "column", "value", "message")]
    rows = [
        (issue.file, issue.line, issue.column or "", issue.value or "", issue.explanation(lang))
        for issue in result.errors
    ]
    frame = pd.DataFrame(rows, columns=headers)
    frame[headers[1]] = frame[headers[1]].astype("Int64")
    return frame


# --- reading -----------------------------------------------------------------


@dataclass
class _RawTable:
    spec: FileSpec
    display: str  # the name used in messages
    columns: list[str]  # normalised header names, in file order
    data: pd.DataFrame  # trimmed text, one column per header name (unnamed empty columns dropped)
    lines: np.ndarray  # spreadsheet line of every data row
    written: dict[str, str] = field(default_factory=dict)  # column -> its header as in the file, when it differs


@dataclass
class _Source:
    tables: dict[str, _RawTable] = field(default_factory=dict)
    issues: list[ImportIssue] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)  # the import's bounds (dashboard/exchange/limits.py)


def _limit_issue(display: str, exc: LimitExceeded) -> ImportIssue:
    """The message for a bound that was reached: the file, the bound, and how to change it."""
    return ImportIssue(display, exc.line, None, None, f"limit.{exc.limit}",
                       (("limit", f"{exc.value:,}".replace(",", ".")), ("env", ImportLimits.env_name(exc.limit))))


class _CappedIssues(list):
    """The issues, keeping the first ``max_errors_per_rule`` of each file and kind and counting
    the rest (``hidden``): a file of a million bad rows must not become a million messages."""

    def __init__(self, issues: Iterable[ImportIssue], limit: int):
        super().__init__()
        self.limit = limit
        self.shown: dict[tuple[str, str], int] = {}
        self.hidden: dict[tuple[str, str], int] = {}
        self.sample: dict[tuple[str, str], ImportIssue] = {}
        for issue in issues:
            self.append(issue)

    def full(self, file: str, code: str) -> bool:
        return self.shown.get((file, code), 0) >= self.limit

    def count_hidden(self, file: str, code: str, count: int, sample: ImportIssue) -> None:
        key = (file, code)
        self.hidden[key] = self.hidden.get(key, 0) + count
        self.sample.setdefault(key, sample)

    def append(self, issue: ImportIssue) -> None:
        key = (issue.file, issue.code)
        if self.shown.get(key, 0) < self.limit:
            self.shown[key] = self.shown.get(key, 0) + 1
            super().append(issue)
        else:
            self.count_hidden(issue.file, issue.code, 1, issue)

    def summaries(self) -> list[ImportIssue]:
        """One issue per file and kind with hidden ones: how many more, like which."""
        return [ImportIssue(file, None, self.sample[(file, code)].column, None, "more_errors",
                            (("count", str(count)), ("rule", code)))
                for (file, code), count in self.hidden.items()]


# A UTF-8 sequence of two to four bytes: a file holding one was written as UTF-8.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _line_of(data: bytes, position: int) -> int:
    """The line (1 = first) of byte ``position``; a file with only CR line ends counts CRs."""
    end = b"\n" if b"\n" in data[:position + 1] or b"\r" not in data[:position] else b"\r"
    return data.count(end, 0, position) + 1


def _decode(data: bytes, display: str = "", issues: list[ImportIssue] | None = None) -> tuple[str, bytes | None] | None:
    """UTF-8 (with or without BOM), else Windows-1252 (what older Excel writes); never a guess.

    The encoding is chosen for the whole file: UTF-8 when it has a BOM or any UTF-8 sequence,
    else Windows-1252. Bytes that are not valid in the chosen encoding (a file of UTF-8 with a
    pasted Windows-1252 line, which would import as mojibake) refuse the file with the line where
    they are (in ``issues``; then the result is None). Returns the text, and the UTF-8 bytes without
    BOM when the data was UTF-8.
    """
    issues = [] if issues is None else issues
    has_bom = data.startswith(codecs.BOM_UTF8)
    if has_bom:
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), data
    except UnicodeDecodeError as exc:
        if has_bom or _UTF8_SEQUENCE.search(data):
            issues.append(ImportIssue(display, _line_of(data, exc.start), None, None, "bad_encoding",
                                      (("encoding", "UTF-8"), ("byte", f"0x{data[exc.start]:02X}"))))
            return None
    try:
        return data.decode("cp1252"), None
    except UnicodeDecodeError as exc:  # five bytes mean nothing in Windows-1252
        issues.append(ImportIssue(display, _line_of(data, exc.start), None, None, "bad_encoding",
                                  (("encoding", "Windows-1252"), ("byte", f"0x{data[exc.start]:02X}"))))
        return None


def _detect_separator(text: str) -> str:
    """The separator of the header line: the most frequent of `,` `;` tab outside quotes."""
    start = 0
    while start < len(text):  # line by line ("\n" ends a line), only up to the first non-blank one
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        line, start = text[start:end], end
        if line.strip():
            unquoted = re.sub(r'"[^"]*"', "", line)
            counts = {sep: unquoted.count(sep) for sep in (",", ";", "\t")}
            best = max(counts, key=lambda sep: counts[sep])
            return best if counts[best] else ","
    return ","


def _spreadsheet_column(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet user names a column."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _table_from_records(
    spec: FileSpec, display: str, records: list[list[str]], first_line: int, issues: list[ImportIssue]
) -> _RawTable | None:
    """Build a table from rows of cells (the csv module's or a sheet's); ``first_line`` is records[0]'s line."""
    start = 0
    while start < len(records) and not any(cell.strip() for cell in records[start]):
        start += 1
    if start == len(records):
        issues.append(ImportIssue(display, None, None, None, "no_header"))
        return None
    width = len(records[start])
    for offset, row in enumerate(records[start + 1:], start=start + 1):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            issues.append(ImportIssue(display, first_line + offset, None, None, "too_many_values",
                                      (("count", str(width)),)))
    # Column by column, without a padded copy of every row (a sheet may hold many empty ones).
    body = records[start:]
    columns = [pa.array([row[position] if position < len(row) else "" for row in body], type=pa.string())
               for position in range(width)]
    return _table_from_columns(spec, display, columns, first_line + start, issues)


# Columns of free text; every other column holds an id, a code or a label that groups rows, where
# an invisible character would make a second, different value that looks the same.
_FREE_TEXT_COLUMNS = frozenset({"name", "label_nl", "label_en", "description", "contact_note"})
# Control and formatting characters (a BOM, a zero-width space, a direction mark) and spaces other
# than the plain one (a non-breaking space): RE2 syntax, for Arrow.
_INVISIBLE = r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\x{00A0}\x{1680}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]"
_INVISIBLE_PY = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f"
                           r"\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\u00a0\u1680"
                           r"\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def _invisible_characters(display: str, column: str, values: pa.ChunkedArray, lines: np.ndarray,
                          issues: list[ImportIssue]) -> None:
    """An error for every cell of ``column`` holding an invisible character, naming line and column
    and showing the character as U+XXXX (a BOM inside a file makes an id \\ufeffT0001 beside T0001)."""
    hits = pc.match_substring_regex(values, _INVISIBLE)
    if not pc.any(hits).as_py():
        return
    for position in np.flatnonzero(hits.to_numpy(zero_copy_only=False)):
        value = values[int(position)].as_py()
        found = _INVISIBLE_PY.search(value)
        char = found.group(0) if found else next(c for c in value if not c.isprintable())
        shown = _INVISIBLE_PY.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", value)
        issues.append(ImportIssue(display, int(lines[position]), column, shown, "invisible_character",
                                  (("char", f"U+{ord(char):04X}"), ("position", str(value.index(char) + 1)))))


def _restore_formulas(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """``spreadsheet_safety.restore_text`` on every cell; only cells starting with an apostrophe can change."""
    marked = pc.starts_with(values, "'")
    if not pc.any(marked).as_py():
        return values
    candidates = pc.filter(values, marked).to_pylist()
    restored = pa.array([restore_text(value) for value in candidates], type=pa.string())
    return pc.replace_with_mask(values.combine_chunks(), marked.combine_chunks(), restored)


def _table_from_columns(
    spec: FileSpec, display: str, raw: list[pa.Array | pa.ChunkedArray], first_line: int,
    issues: list[ImportIssue]
) -> _RawTable | None:
    """Build a table from positional text columns whose first row is the header (at ``first_line``)."""
    stripped = [pc.utf8_trim_whitespace(pa.chunked_array([values]) if isinstance(values, pa.Array) else values)
                for values in raw]
    nonblank = np.zeros(len(stripped[0]) if stripped else 0, dtype=bool)
    for values in stripped:
        nonblank |= pc.not_equal(values, "").to_numpy()
    rows = np.flatnonzero(nonblank)
    if len(rows) == 0:
        issues.append(ImportIssue(display, None, None, None, "no_header"))
        return None
    header_row = int(rows[0])
    header_line = first_line + header_row
    # Lower-cased, as messages always showed headers; Dutch and English are resolved below.
    written = [values[header_row].as_py().lstrip("\ufeff").strip().lower() for values in stripped]
    allowed = set(spec.columns)
    # Dutch and English names alike (dashboard/exchange/aliases.py); "" stays "" (an unnamed column).
    header = [aliases.column_name(name, allowed) if name else "" for name in written]
    body = rows[1:]  # blank rows are skipped but keep their line numbers
    lines = first_line + body
    # Usually no blank row at all: then the body is one slice, no copy.
    contiguous = len(body) == 0 or int(body[-1]) - int(body[0]) + 1 == len(body)
    body_take = pa.array(body)

    def body_of(values: pa.ChunkedArray) -> pa.ChunkedArray:
        if contiguous:
            return values.slice(int(body[0]) if len(body) else 0, len(body))
        return values.take(body_take)

    data: dict[str, pd.Series] = {}
    columns: list[str] = []
    seen: dict[str, str] = {}
    renamed: dict[str, str] = {}
    for position, name in enumerate(header):
        values = body_of(stripped[position])
        if name == "":
            if pc.any(pc.not_equal(values, "")).as_py():
                issues.append(ImportIssue(display, header_line, _spreadsheet_column(position), None,
                                          "unnamed_column"))
            continue
        if name in seen:
            if aliases.normalise(seen[name]) == aliases.normalise(written[position]):
                issues.append(ImportIssue(display, header_line, written[position], written[position],
                                          "duplicate_column"))
            else:  # once in English, once in Dutch
                issues.append(ImportIssue(display, header_line, written[position], written[position],
                                          "column_twice", (("other", seen[name]), ("english", name))))
            continue
        seen[name] = written[position]
        if name not in allowed and not name.startswith(EXTRA_PREFIX):
            issues.append(ImportIssue(display, header_line, written[position], written[position], "unknown_column",
                                      (("allowed", ", ".join(spec.columns)),
                                       *_suggestion(written[position], spec.columns, aliases.DUTCH_COLUMNS))))
            continue
        if name not in _FREE_TEXT_COLUMNS and not name.startswith(EXTRA_PREFIX):
            _invisible_characters(display, name, values, lines, issues)
        if written[position] != name:
            renamed[name] = written[position]
        data[name] = pd.Series(_restore_formulas(values), dtype="str")
        columns.append(name)
    for name in spec.required:
        if name not in seen:
            issues.append(ImportIssue(display, header_line, name, None, "missing_column",
                                      (("required", ", ".join(spec.required)),)))
    frame = pd.DataFrame(data) if data else pd.DataFrame(index=range(len(body)))
    return _RawTable(spec, display, columns, frame, lines, renamed)


def _suggestion(name: str, english: Iterable[str], dutch: dict[str, str]) -> tuple[tuple[str, str], ...]:
    nearest = aliases.nearest(name, english, dutch)
    return (("suggestion", nearest),) if nearest else ()


def _parse_csv(data: bytes, separator: str) -> list[pa.ChunkedArray] | None:
    """Every record of UTF-8 ``data`` as text columns (header included), or None if a record is not
    as wide as the first: then the csv module reads the file, and the rows are reported.

    Arrow's reader parses in parallel and keeps every record (also a blank one,
    as a row of empty cells) as one spreadsheet line, like the csv module.
    """
    ragged = False

    def on_invalid(row: object) -> str:
        nonlocal ragged
        ragged = True
        return "skip"

    ends = [end for end in (data.find(b"\n"), data.find(b"\r")) if end >= 0]
    first_line = data[:min(ends)] if ends else data
    # Type every column as text (an id like 007 stays 007): at most one column per separator, plus one.
    width = first_line.count(separator.encode()) + 1
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(delimiter=separator, quote_char='"', double_quote=True,
                                              escape_char=False, newlines_in_values=True,
                                              ignore_empty_lines=False, invalid_row_handler=on_invalid),
            convert_options=pa_csv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if ragged or any(not pa.types.is_string(column.type) for column in table.columns):
        return None
    return list(table.columns)


def _read_csv_bytes(spec: FileSpec, display: str, data: bytes, issues: list[ImportIssue]) -> _RawTable | None:
    decoded = _decode(data, display, issues)
    if decoded is None:
        return None
    text, utf8 = decoded
    if "\x00" in text:
        issues.append(ImportIssue(display, None, None, None, "unreadable_file", (("detail", "NUL"),)))
        return None
    if not text or text.isspace():
        issues.append(ImportIssue(display, None, None, None, "no_header"))
        return None
    separator = _detect_separator(text)
    # Fast path: Arrow's CSV reader on the UTF-8 bytes (Windows-1252 text re-encoded first).
    columns = _parse_csv(utf8 if utf8 is not None else text.encode("utf-8"), separator)
    if columns is not None:
        return _table_from_columns(spec, display, columns, 1, issues)
    return _read_csv_text(spec, display, text, separator, issues)


def _read_csv_text(spec: FileSpec, display: str, text: str, separator: str,
                   issues: list[ImportIssue]) -> _RawTable | None:
    """The csv module's reading, for rows wider than the header (reported) or narrower (padded)."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as exc:
        issues.append(ImportIssue(display, None, None, None, "unreadable_file", (("detail", str(exc)),)))
        return None
    return _table_from_records(spec, display, records, 1, issues)


def _classify_name(name: str) -> str | None:
    """The contract file a CSV file name stands for, '' to ignore it, None if unknown."""
    if name.startswith((".", "~$")) or not name.lower().endswith(".csv"):
        return ""
    stem = name[:-4].strip().lower()
    if stem.startswith(EXTRA_PREFIX):
        return ""
    return aliases.file_name(stem, FILE_BY_NAME)


def _file_suggestion(stem: str, suffix: str) -> tuple[tuple[str, str], ...]:
    nearest = aliases.nearest(stem, FILE_BY_NAME, aliases.DUTCH_FILES)
    return (("suggestion", nearest + suffix),) if nearest else ()


def _read_csv_files(entries: Iterable[tuple[str, bytes | Path]], source: _Source) -> None:
    """Read (file name, bytes or path) pairs into ``source``."""
    for name, content in sorted(entries, key=lambda entry: entry[0]):
        kind = _classify_name(name)
        if kind == "":
            continue
        if kind is None:
            source.issues.append(ImportIssue(name, None, None, name, "unknown_file",
                                             (("allowed", ", ".join(s.file_name for s in FILES)),
                                              *_file_suggestion(name[:-4], ".csv"))))
            continue
        if kind in source.tables:
            source.issues.append(ImportIssue(name, None, None, name, "duplicate_file",
                                             (("other", source.tables[kind].display),)))
            continue
        try:
            scan_csv(content, source.budget)  # line length, lines, header columns: before reading it whole
        except LimitExceeded as exc:
            source.issues.append(_limit_issue(name, exc))
            return  # a bound of the whole import: reading on would only repeat it
        data = content.read_bytes() if isinstance(content, Path) else content
        table = _read_csv_bytes(FILE_BY_NAME[kind], name, data, source.issues)
        if table is not None:
            source.tables[kind] = table


def _read_folder(folder: Path) -> _Source:
    source = _Source()
    entries = [(path.name, path) for path in folder.iterdir() if path.is_file()]
    _read_csv_files(entries, source)
    if not source.tables and not source.issues:
        source.issues.append(ImportIssue(folder.name, None, None, None, "no_files"))
    return source


def _read_zip(path: Path) -> _Source:
    """CSV files at the top of the zip or together in one sub-folder."""
    source = _Source()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        source.issues.append(ImportIssue(path.name, None, None, None, "unreadable_file", (("detail", str(exc)),)))
        return source
    with archive:
        members = [
            info for info in archive.infolist()
            if not info.is_dir() and not info.filename.startswith("__MACOSX/")
            and info.filename.lower().endswith(".csv")
            and not Path(info.filename).name.startswith((".", "~$"))
        ]
        folders = sorted({str(Path(info.filename).parent) for info in members})
        if len(folders) > 1:
            source.issues.append(ImportIssue(path.name, None, None, None, "zip_folders",
                                             (("folders", ", ".join(folders)),)))
            return source
        with tempfile.TemporaryDirectory(prefix="constellatiemonitor-zip-") as folder:
            try:
                check_entries(len(archive.infolist()), source.budget.limits)
                # To disk, counting what comes out: a zip's declared sizes may lie.
                entries = unpack(archive, members, Path(folder), source.budget.limits)
            except LimitExceeded as exc:
                source.issues.append(_limit_issue(path.name, exc))
                return source
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
                # A damaged member (bad CRC, truncated), an encrypted one or an unknown compression.
                source.issues.append(ImportIssue(path.name, None, None, None, "unreadable_file",
                                                 (("detail", str(exc)),)))
                return source
            _read_csv_files(entries, source)
    if not source.tables and not source.issues:
        source.issues.append(ImportIssue(path.name, None, None, None, "no_files"))
    return source


def _cell_text(value: object) -> str:
    """A workbook cell as the text the user typed (numbers without a spurious .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return workbook_text(str(value))  # _x000D_ and the like: the characters an export (or Excel) escaped


_NO_CELLS: list[str] = []  # every empty sheet row, shared (never changed)


def _read_workbook(path: Path) -> _Source:
    from openpyxl import load_workbook

    source = _Source()
    try:
        with zipfile.ZipFile(path) as archive:
            measure(archive, source.budget.limits)  # what the parts unpack to, before openpyxl holds any
    except LimitExceeded as exc:
        source.issues.append(_limit_issue(path.name, exc))
        return source
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        pass  # openpyxl names what is wrong with it
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        source.issues.append(ImportIssue(path.name, None, None, None, "unreadable_file", (("detail", str(exc)),)))
        return source
    try:
        for sheet in workbook.worksheets:
            display = f"{path.name} › {sheet.title}"
            stem = sheet.title.strip().lower()
            if stem.startswith(EXTRA_PREFIX):
                continue
            sheet.reset_dimensions()  # the claimed size (A1:XFD1048576) is not believed: rows as they come
            try:
                records = [[_cell_text(cell) for cell in row] if row else _NO_CELLS
                           for row in sheet_rows(sheet.iter_rows(values_only=True), source.budget)]
            except LimitExceeded as exc:
                source.issues.append(_limit_issue(display, exc))
                return source
            stem = aliases.file_name(stem, FILE_BY_NAME)
            if stem is None:
                if any(any(cell.strip() for cell in row) for row in records):
                    source.issues.append(ImportIssue(display, None, None, sheet.title, "unknown_sheet",
                                                     (("allowed", ", ".join(s.name for s in FILES)),
                                                      *_file_suggestion(sheet.title, ""))))
                continue
            if stem in source.tables:
                source.issues.append(ImportIssue(display, None, None, sheet.title, "duplicate_file",
                                                 (("other", source.tables[stem].display),)))
                continue
            table = _table_from_records(FILE_BY_NAME[stem], display, records, 1, source.issues)
            if table is not None:
                source.tables[stem] = table
    finally:
        workbook.close()
    if not source.tables and not source.issues:
        source.issues.append(ImportIssue(path.name, None, None, None, "no_files"))
    return source


def read_source(path: Path) -> _Source:
    """Read a folder, .zip or .xlsx into raw text tables (no validation of values yet)."""
    if path.is_dir():
        return _read_folder(path)
    if not path.exists():
        return _Source(issues=[ImportIssue(str(path), None, None, None, "source_not_found")])
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_workbook(path)
    if suffix == ".zip":
        return _read_zip(path)
    if suffix == ".csv":
        source = _Source()
        _read_csv_files([(path.name, path)], source)
        return source
    return _Source(issues=[ImportIssue(path.name, None, None, None, "unsupported_source")])


# --- validation --------------------------------------------------------------


def _arrow_text(values: pd.Series) -> pa.ChunkedArray:
    """A text column as Arrow (no copy for pandas' Arrow-backed ``str``)."""
    array = pa.array(values if values.dtype == "str" else values.astype("str"))
    array = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    return array


def _map_values(values: pd.Series, lookup: Mapping[str, object],
                value_type: pa.DataType) -> tuple[pa.Array, np.ndarray]:
    """Map each text, lower-cased, through ``lookup`` via its distinct values (few), not cell by cell.

    Returns (mapped values, missing where not found; mask of cells that were found).
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [lookup.get(value.lower()) for value in uniques]
    codes = np.where(codes < 0, len(mapped), codes)  # a missing cell (-1) takes the trailing None
    found = np.array([value is not None for value in mapped] + [False], dtype=bool)[codes]
    return pa.array([*mapped, None], type=value_type).take(pa.array(codes)), found


def _isin(values: pd.Series, known: pd.Series) -> pd.Series:
    """``values.isin(known)`` for text, via Arrow (pandas' own is slow for Arrow strings)."""
    value_set = _arrow_text(known).unique()
    found = pc.is_in(_arrow_text(values), value_set=value_set).fill_null(False)
    return pd.Series(found.to_numpy(), index=values.index)


class _Validator:
    """Checks the raw tables and builds the staged frames, collecting every issue."""

    def __init__(self, source: _Source, db: Database, stored_keys: Mapping[str, pd.DataFrame], *, replace: bool,
                 empty_db: bool, next_function_position: int):
        self.raw = source.tables
        self.db = db  # read only: some checks join the stored tables
        self.issues = _CappedIssues(source.issues, source.budget.limits.max_errors_per_rule)
        self.stored = stored_keys
        self.replace = replace
        self.empty_db = empty_db
        self.next_function_position = next_function_position
        self.clean: dict[str, pd.DataFrame] = {}
        self.staged: dict[str, pd.DataFrame] = {}
        self.has: dict[str, dict[str, bool]] = {}  # per table: which optional columns were given
        self.defaults: list[str] = []
        self.uncertain_trainees = pd.Series([], dtype="str")  # trainees with a relationship row we cannot match

    # -- helpers --

    def _issue_rows(self, table: _RawTable, mask: pd.Series, column: str, code: str,
                    values: pd.Series | None = None, params: tuple[tuple[str, str], ...] = ()) -> None:
        if not mask.any():
            return
        shown = table.data[column] if values is None else values
        positions = np.flatnonzero(mask.to_numpy(dtype=bool))
        room = max(0, self.issues.limit - self.issues.shown.get((table.display, code), 0))
        if len(positions) > room:  # the rest is only counted (one sample kept), not built
            first = int(positions[room])
            self.issues.count_hidden(table.display, code, len(positions) - room, ImportIssue(
                table.display, int(table.lines[first]), column, str(shown.iloc[first]), code, params))
            positions = positions[:room]
        for position in positions:
            self.issues.append(ImportIssue(table.display, int(table.lines[position]), column,
                                           str(shown.iloc[position]), code, params))

    def _missing_required_files(self) -> None:
        if self.replace or self.empty_db:
            for name in REQUIRED_FOR_NEW:
                if name not in self.raw:
                    self.issues.append(ImportIssue(FILE_BY_NAME[name].file_name, None, None, None, "missing_file",
                                                   (("required", ", ".join(f"{n}.csv" for n in REQUIRED_FOR_NEW)),)))

    # -- per column kinds --

    def _text(self, table: _RawTable, column: str) -> pd.Series:
        """A trimmed text column; empty cells become missing. Absent columns are all missing."""
        if column not in table.data:
            return pd.Series(pd.NA, index=table.data.index, dtype="str")
        values = _arrow_text(table.data[column])
        return pd.Series(pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values),
                         index=table.data.index, dtype="str")

    def _required(self, table: _RawTable, frame: pd.DataFrame) -> None:
        for column in table.spec.required:
            if column in table.data:
                self._issue_rows(table, frame[column].isna(), column, "empty_value")

    def _coded(self, table: _RawTable, frame: pd.DataFrame, column: str, domain_name: str) -> None:
        if column not in table.data:
            return
        lookup = {code: code for code in domain.DOMAINS[domain_name]}
        lookup.update(domain.ALIASES[domain_name])
        given = frame[column]
        mapped, found = _map_values(given, lookup, pa.string())
        self._issue_rows(table, given.notna() & ~pd.Series(found, index=given.index), column, "invalid_value",
                         params=(("domain", domain_name),))
        frame[column] = pd.Series(mapped, index=given.index, dtype="str")

    def _boolean(self, table: _RawTable, frame: pd.DataFrame, column: str) -> None:
        if column not in table.data:
            frame[column] = pd.array([pd.NA] * len(frame), dtype="boolean")
            return
        lookup = {**{v: True for v in domain.BOOLEAN_TRUE}, **{v: False for v in domain.BOOLEAN_FALSE}}
        given = frame[column]
        mapped, found = _map_values(given, lookup, pa.bool_())
        self._issue_rows(table, given.notna() & ~pd.Series(found, index=given.index), column, "invalid_value",
                         params=(("domain", "boolean"),))
        values = mapped.fill_null(False).to_numpy(zero_copy_only=False)
        frame[column] = pd.arrays.BooleanArray(values.astype(bool), ~found)

    def _duplicates(self, table: _RawTable, frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
        """Report rows whose key occurred before; returns the mask of complete, unique keys."""
        complete = frame[list(key)].notna().all(axis=1)
        if not complete.any():
            return complete
        keys = frame[list(key)] if complete.all() else frame.loc[complete, list(key)]
        duplicated = keys.duplicated(keep="first")
        if duplicated.any():
            # Only the rows of repeated keys are grouped, to name the line of each key's first row.
            involved = keys[keys.duplicated(keep=False)]
            first_line = pd.Series(table.lines[frame.index.get_indexer(involved.index)], index=involved.index) \
                .groupby([involved[column] for column in key]).transform("first")
            for index in keys.index[duplicated]:
                position = frame.index.get_loc(index)
                shown = " / ".join(str(frame.at[index, column]) for column in key)
                self.issues.append(ImportIssue(
                    table.display, int(table.lines[position]), ", ".join(key), shown, "duplicate_key",
                    (("other_line", str(int(first_line.at[index]))),)))
        unique = complete.copy()
        unique.loc[keys.index[duplicated]] = False
        return unique

    def _extra(self, table: _RawTable) -> pd.Series:
        """The file's x_ columns as one JSON object text per row (None without x_ columns)."""
        names = sorted(c for c in table.columns if c.startswith(EXTRA_PREFIX))
        if not names:
            return pd.Series(None, index=table.data.index, dtype="str")
        columns = [table.data[name].tolist() for name in names]
        texts = [json.dumps(dict(zip(names, values)), ensure_ascii=False, sort_keys=True)
                 for values in zip(*columns)]
        return pd.Series(texts, index=table.data.index, dtype="str")

    # -- known identifiers --

    def _known(self, file_name: str, column: str) -> pd.Series | None:
        """Every id of ``file_name`` that exists after the import; None if unknowable."""
        parts = []
        raw = self.raw.get(file_name)
        if raw is not None:
            if column not in raw.data:
                return None
            parts.append(self.clean[file_name][column].dropna())
        elif self.replace or self.empty_db:
            if file_name in REQUIRED_FOR_NEW:
                return None  # reported as a missing file; do not repeat it on every row
        if not self.replace:
            parts.append(self.stored[file_name][column].astype("str"))
        return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="str")

    def _references(self, table: _RawTable, frame: pd.DataFrame) -> None:
        for column in table.spec.columns:
            target = _REFERENCES.get((table.spec.name, column))
            if target is None or column not in table.data:
                continue
            known = self._known(*target)
            if known is None:
                continue
            values = frame[column]
            bad = values.notna() & ~_isin(values, known)
            self._issue_rows(table, bad, column, "unknown_reference",
                             params=(("target", target[0]), ("replace", "1" if self.replace else "0")))

    def _function_by_label(self) -> dict[str, str]:
        """Lower-cased Dutch and English labels of the known functions -> their code (a code wins)."""
        frames = [self.staged["functions"]] if "functions" in self.staged else []
        if not self.replace:
            frames.append(self.stored["functions"])
        lookup: dict[str, str] = {}
        for frame in frames:
            for column in ("label_en", "label_nl"):
                if column in frame:
                    for label, code in zip(frame[column].tolist(), frame["code"].tolist()):
                        if isinstance(label, str) and isinstance(code, str) and label.strip():
                            lookup[label.strip().lower()] = code
        for frame in frames:
            lookup.update({code: code for code in frame["code"].tolist() if isinstance(code, str)})
        return lookup

    def _function_codes(self) -> pd.Series:
        if "functions" in self.staged:
            parts = [self.staged["functions"]["code"]]
        else:
            parts = []
        if not self.replace:
            parts.append(self.stored["functions"]["code"].astype("str"))
        return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="str")

    # -- the files --

    def run(self) -> None:
        self._missing_required_files()
        self._stage_defaults()  # the default functions are known codes for the checks below
        for spec in FILES:
            table = self.raw.get(spec.name)
            if table is None:
                continue
            frame = pd.DataFrame({column: self._text(table, column) for column in spec.columns})
            self._required(table, frame)
            for column in _CODE_COLUMNS.get(spec.name, ()):
                frame[column] = frame[column].str.lower()
            for column in spec.columns:
                domain_name = _COLUMN_DOMAIN.get((spec.name, column))
                if domain_name:
                    self._coded(table, frame, column, domain_name)
            for column in _BOOLEAN_COLUMNS.get(spec.name, ()):
                self._boolean(table, frame, column)
            frame["extra"] = self._extra(table)
            getattr(self, f"_check_{spec.name}")(table, frame)
            self.clean[spec.name] = frame
            self.has[spec.name] = {column: column in table.data for column in spec.optional}
            self.has[spec.name]["extra"] = any(c.startswith(EXTRA_PREFIX) for c in table.columns)

    def _check_functions(self, table: _RawTable, frame: pd.DataFrame) -> None:
        codes = frame["code"]
        self._issue_rows(table, codes.notna() & codes.str.contains(_FUNCTION_SEPARATORS.pattern, regex=True), "code", "invalid_function_code")
        self._duplicates(table, frame, table.spec.key)
        offset = 0 if self.replace else self.next_function_position
        frame["position"] = pd.array(np.arange(offset, offset + len(frame)), dtype="Int64")
        self.staged["functions"] = frame

    def _check_schools(self, table: _RawTable, frame: pd.DataFrame) -> None:
        self._duplicates(table, frame, table.spec.key)
        self.staged["schools"] = frame

    def _check_institutes(self, table: _RawTable, frame: pd.DataFrame) -> None:
        self._duplicates(table, frame, table.spec.key)
        self.staged["institutes"] = frame

    def _check_trainees(self, table: _RawTable, frame: pd.DataFrame) -> None:
        self._duplicates(table, frame, table.spec.key)
        self._references(table, frame)
        programme = frame["programme"]
        self._issue_rows(table, programme == domain.DEFAULT_PROGRAMME, "programme", "invalid_programme")
        year = frame["study_year"]
        whole = year.str.fullmatch(r"\d{1,3}").fillna(False).astype(bool)
        number = pd.to_numeric(year.where(whole, None), errors="coerce")
        good = whole & number.between(1, 9)
        self._issue_rows(table, year.notna() & ~good, "study_year", "invalid_study_year")
        frame["study_year"] = pd.array(number.where(good, None).tolist(), dtype="Int64")
        self.staged["trainees"] = frame

    def _check_people(self, table: _RawTable, frame: pd.DataFrame) -> None:
        self._duplicates(table, frame, table.spec.key)
        self._references(table, frame)
        self.staged["people"] = frame

    def _check_relationships(self, table: _RawTable, frame: pd.DataFrame) -> None:
        self._duplicates(table, frame, table.spec.key)
        self._references(table, frame)
        self_tie = frame["trainee_id"].notna() & (frame["trainee_id"] == frame["person_id"]).fillna(False)
        self._issue_rows(table, self_tie.astype(bool), "person_id", "self_relationship")
        # Empty means positief; in a merge without the column an updated row keeps its value.
        frame["contribution"] = frame["contribution"].fillna("positief")
        # functions: ';'-separated codes -> one row per (relationship, function).
        # Parse each distinct list once (there are few), then spread to the rows.
        list_codes, distinct_lists = pd.factorize(frame["functions"], use_na_sentinel=True)
        # Codes or labels, separated by ; , or | (data contract): labels become their code.
        by_label = self._function_by_label()
        parsed = [list(dict.fromkeys(by_label.get(code, code) for code in
                                     (part.strip().lower() for part in _FUNCTION_SEPARATORS.split(text)) if code))
                  for text in distinct_lists]
        list_of_row = np.where(list_codes < 0, len(parsed), list_codes)  # no list: the trailing empty one
        per_list = np.array([len(codes) for codes in parsed] + [0], dtype=np.int64)
        per_row = per_list[list_of_row]
        rows = np.repeat(np.arange(len(frame)), per_row)  # each row once per code, in row order
        list_start = (np.cumsum(per_list) - per_list)[list_of_row]
        within = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        codes = pa.array([code for codes in parsed for code in codes], type=pa.string())
        function = codes.take(pa.array(np.repeat(list_start, per_row) + within))
        listed = pd.Series(function, index=frame.index[rows], dtype="str")
        known = self._function_codes()
        unknown = ~_isin(listed, known)
        if unknown.any():
            known_text = ", ".join(sorted(set(known)))
            for index, code in listed[unknown].items():
                position = frame.index.get_loc(index)
                self.issues.append(ImportIssue(table.display, int(table.lines[position]), "functions", code,
                                               "unknown_function", (("known", known_text),)))
        taken = pa.array(rows)
        self.staged["relationship_functions"] = pd.DataFrame({
            **{column: pd.Series(_arrow_text(frame[column]).take(taken), dtype="str")
               for column in ("trainee_id", "person_id", "wave")},
            "function": pd.Series(function, dtype="str")})
        self.staged["relationships"] = frame
        # A relationship row with an invalid key cannot be matched; do not blame its consultations too.
        broken = frame[["person_id", "wave"]].isna().any(axis=1)
        self.uncertain_trainees = frame.loc[broken, "trainee_id"].dropna()

    def _without_relationship(self, frame: pd.DataFrame, column: str, complete: pd.Series) -> np.ndarray:
        """Mask of the complete rows whose (trainee_id, ``column``, wave) is no relationship known after
        the import: neither imported nor, in a merge, stored. A hash anti-join in DuckDB."""
        rows = np.flatnonzero(complete.to_numpy(dtype=bool))
        taken = pa.array(rows)
        consulted = pa.table({"row": pa.array(rows, type=pa.int64()),
                              "trainee_id": _arrow_text(frame["trainee_id"]).take(taken),
                              "person_id": _arrow_text(frame[column]).take(taken),
                              "wave": _arrow_text(frame["wave"]).take(taken)})
        staged = self.staged.get("relationships")
        imported = pa.table({name: _arrow_text(staged[name]) if staged is not None else pa.array([], pa.string())
                             for name in ("trainee_id", "person_id", "wave")})
        cursor = self.db.cursor()
        try:
            cursor.register("consulted", consulted)
            cursor.register("imported_relationships", imported)
            found = cursor.execute(load_sql("exchange/import/consultations_without_relationship"),
                                   {"replace": self.replace}).fetchnumpy()["row"]
        finally:
            cursor.close()
        mask = np.zeros(len(frame), dtype=bool)
        mask[np.asarray(found, dtype=np.int64)] = True
        return mask

    def _check_consultations(self, table: _RawTable, frame: pd.DataFrame) -> None:
        self._references(table, frame)
        same = (frame["person_a"] == frame["person_b"]).fillna(False).astype(bool)
        self._issue_rows(table, same, "person_b", "self_consultation")
        relationships_knowable = not (("relationships" not in self.raw and (self.replace or self.empty_db))
                                      or ("relationships" in self.raw
                                          and not {"trainee_id", "person_id", "wave"} <= set(self.raw["relationships"].data)))
        if relationships_knowable:
            for column in ("person_a", "person_b"):
                complete = frame[["trainee_id", column, "wave"]].notna().all(axis=1)
                uncertain = _isin(frame["trainee_id"].fillna(""), self.uncertain_trainees)
                bad = self._without_relationship(frame, column, complete) & ~(same | uncertain).to_numpy(dtype=bool)
                for position in np.flatnonzero(bad):
                    self.issues.append(ImportIssue(
                        table.display, int(table.lines[position]), column, str(frame[column].iloc[position]),
                        "no_relationship", (("trainee", str(frame["trainee_id"].iloc[position])),
                                            ("wave", str(frame["wave"].iloc[position])))))
        # (a, b) and (b, a) are the same consultation: store it with a < b.
        a, b = frame["person_a"], frame["person_b"]
        swap = (a > b).fillna(False).astype(bool)
        frame["person_a"], frame["person_b"] = a.where(~swap, b), b.where(~swap, a)
        self._duplicates(table, frame, table.spec.key)
        self.staged["consultations"] = frame

    def _check_needs(self, table: _RawTable, frame: pd.DataFrame) -> None:
        self._references(table, frame)
        by_label = self._function_by_label()
        frame["function"] = frame["function"].map(lambda code: by_label.get(code, code), na_action="ignore")
        function = frame["function"]
        known = self._function_codes()
        self._issue_rows(table, function.notna() & ~_isin(function, known), "function", "unknown_function",
                         params=(("known", ", ".join(sorted(set(known)))),))
        self._duplicates(table, frame, table.spec.key)
        self.staged["needs"] = frame

    def _check_valuations(self, table: _RawTable, frame: pd.DataFrame) -> None:
        self._references(table, frame)
        self._duplicates(table, frame, table.spec.key)
        self.staged["valuations"] = frame

    def _check_actions(self, table: _RawTable, frame: pd.DataFrame) -> None:
        self._references(table, frame)
        function = frame["function"]
        known = self._function_codes()
        self._issue_rows(table, function.notna() & ~_isin(function, known), "function", "unknown_function",
                         params=(("known", ", ".join(sorted(set(known)))),))
        # Empty means open; in a merge without the column an updated row keeps its value.
        frame["status"] = frame["status"].fillna("open")
        self._duplicates(table, frame, table.spec.key)
        self.staged["actions"] = frame

    def _check_norm_roles(self, table: _RawTable, frame: pd.DataFrame) -> None:
        self._duplicates(table, frame, table.spec.key)
        self.staged["norm_roles"] = frame

    def _check_norm_consultations(self, table: _RawTable, frame: pd.DataFrame) -> None:
        a, b = frame["role_a"], frame["role_b"]
        same = (a == b).fillna(False).astype(bool)
        self._issue_rows(table, same, "role_b", "self_norm_pair")
        swap = (a > b).fillna(False).astype(bool)
        frame["role_a"], frame["role_b"] = a.where(~swap, b), b.where(~swap, a)
        self._duplicates(table, frame, table.spec.key)
        self.staged["norm_consultations"] = frame

    # -- defaults and staging --

    def _stage_defaults(self) -> None:
        """Shipped defaults for absent functions/norm files when the table would be empty."""
        defaults = {
            "functions": pd.DataFrame({
                "code": [f.code for f in domain.DEFAULT_FUNCTIONS],
                "label_nl": [f.label_nl for f in domain.DEFAULT_FUNCTIONS],
                "label_en": [f.label_en for f in domain.DEFAULT_FUNCTIONS],
                "group": [f.group for f in domain.DEFAULT_FUNCTIONS],
                "description": [f.description for f in domain.DEFAULT_FUNCTIONS],
                "position": pd.array(range(len(domain.DEFAULT_FUNCTIONS)), dtype="Int64"),
            }),
            "norm_roles": pd.DataFrame({
                "programme": domain.DEFAULT_PROGRAMME,
                "role": [role for role, _ in domain.DEFAULT_NORM_ROLES],
                "expected_strength": [strength for _, strength in domain.DEFAULT_NORM_ROLES],
            }),
            "norm_consultations": pd.DataFrame({
                "programme": domain.DEFAULT_PROGRAMME,
                "role_a": [min(pair) for pair in domain.DEFAULT_NORM_CONSULTATIONS],
                "role_b": [max(pair) for pair in domain.DEFAULT_NORM_CONSULTATIONS],
            }),
        }
        for name in _DEFAULTED_FILES:
            if name in self.raw:
                continue
            if self.replace or len(self.stored[name]) == 0:
                frame = defaults[name]
                frame["extra"] = None
                self.staged[name] = frame
                self.has[name] = {column: True for column in (*FILE_BY_NAME[name].optional, "extra")}
                self.defaults.append(name)

    def staged_tables(self) -> dict[str, pd.DataFrame]:
        """Every table's staged frame in table column order (empty frames for absent files)."""
        result = {}
        for table, columns in _TABLE_COLUMNS.items():
            frame = self.staged.get(table)
            if frame is None:
                # Typed as the stored table at once (a capture stages 6 of the 13 tables).
                frame = pd.DataFrame({column: pd.Series([], dtype=_staged_dtype(table, column)) for column in columns})
                result[table] = frame
                continue
            frame = frame.reindex(columns=list(columns)).reset_index(drop=True)
            for column in columns:
                dtype = _staged_dtype(table, column)
                if frame[column].dtype != dtype:  # most columns already are (each astype copies)
                    frame[column] = frame[column].astype(dtype)
            result[table] = frame
        return result


def _staged_dtype(table: str, column: str) -> str:
    """The pandas dtype of a staged column (as the stored table's type)."""
    if (table, column) in _INT_COLUMNS:
        return "Int64"
    return "boolean" if column in _BOOLEAN_COLUMNS.get(table, ()) else "str"


# --- writing -----------------------------------------------------------------


def _execute(cursor, name: str, values: Mapping[str, object] | None = None) -> None:
    """Every statement of ``queries/<name>.sql``, each with the parameters it uses."""
    execute_statements(cursor, name, values or {})


def _stored_keys(db: Database, among: Mapping[str, Sequence[str]] | None = None) -> dict[str, pd.DataFrame]:
    """The stored keys the checks look up in Python: ids that others reference, and the small tables.
    The large tables (relationships, consultations, needs) are only ever joined in SQL.

    ``among`` (trainees, people): only these ids of those tables, for a writer that knows every id
    its rows refer to (the capture of one trainee's wave): the checks then answer the same, without
    reading every stored key."""
    among = among or {}
    return {name: db.query(f"exchange/import/keys_{name}_among", {"ids": list(among[name])}) if name in among
            else db.query(f"exchange/import/keys_{name}") for name in _STORED_KEY_TABLES}


def arrow_tables(staged: Mapping[str, pd.DataFrame]) -> dict[str, pa.Table]:
    """The staged frames as Arrow tables, the cheapest input for DuckDB to scan."""
    return {table: pa.Table.from_pandas(frame, preserve_index=False) for table, frame in staged.items()}


def _count_changes(db: Database, validator: _Validator, staged: Mapping[str, pa.Table],
                   result: ImportResult) -> None:
    cursor = db.cursor()
    try:
        for table, frame in staged.items():
            cursor.register(f"staged_{table}", frame)
        counts = cursor.execute(load_sql("exchange/import/count_existing")).fetchall()
    finally:
        cursor.close()
    existing = {table: int(count) for table, count in counts}
    for spec in FILES:
        if spec.name not in validator.staged:
            continue
        result.updated[spec.file_name] = existing[spec.name]
        result.inserted[spec.file_name] = staged[spec.name].num_rows - existing[spec.name]


def _write(db: Database, validator: _Validator, staged: Mapping[str, pa.Table], result: ImportResult, progress,
           actor: str, role: str | None) -> None:
    mode = "replace" if validator.replace else "merge"
    # Only what the import touched can break a reference (a merge deletes nothing that others
    # reference); into an empty database or with --replace that is every row, and the plain
    # check of every table is then the cheaper one.
    touched_only = not (validator.replace or validator.empty_db)
    with db.transaction(STAGED_CHECK if touched_only else FULL_CHECK) as cursor:
        if progress:
            progress()
        register_staged(cursor, staged)
        write_staged(cursor, validator)
        _execute(cursor, "exchange/import/record_import", {
            "source": result.source, "mode": mode,
            "row_counts": json.dumps(result.counts, sort_keys=True)})
        audit.record(cursor, actor, role, "import", detail=_audit_detail(result))
        derived.refresh(cursor)
        # The staged tables stay registered: the integrity check before commit reads them.
    result.written = True


def register_staged(cursor, staged: Mapping[str, pa.Table]) -> None:
    """Register every staged table on the write's cursor (the upserts and the integrity check read them)."""
    for table, frame in staged.items():
        cursor.register(f"staged_{table}", frame)


def _staged_rows(validator: _Validator, table: str) -> int:
    frame = validator.staged.get(table)
    return 0 if frame is None else len(frame)


def write_staged(cursor, validator: _Validator) -> None:
    """Write the registered staged tables: the one write path of the import and the capture
    (``dashboard/exchange/capture.py``)."""
    if validator.replace:
        # Referencing tables first, so no step leaves a dangling reference it could trip on.
        for table in reversed(list(_TABLE_COLUMNS)):
            _execute(cursor, f"exchange/import/replace_prune_{table}")
    # A merge skips the statements that read no staged row (each upsert reads only its table's
    # staged rows, the prune of functions only the staged relationships): they change nothing, and
    # a capture stages 6 of the 13 tables (~2 ms per empty statement).
    merge = not validator.replace
    for table in _TABLE_COLUMNS:
        if table == "relationship_functions":
            has_functions = validator.replace or validator.has.get("relationships", {}).get("functions", False)
            if merge and _staged_rows(validator, "relationships"):
                _execute(cursor, "exchange/import/prune_relationship_functions", {"has_functions": has_functions})
            if not merge or _staged_rows(validator, table):
                _execute(cursor, "exchange/import/upsert_relationship_functions")
            continue
        if merge and not _staged_rows(validator, table):
            continue
        given = validator.has.get(table, {})
        values: dict[str, object] = {f"has_{column}": validator.replace or given.get(column, False)
                                     for column in (*_TABLE_COLUMNS[table], "extra")}
        values["set_position"] = validator.replace
        _execute(cursor, f"exchange/import/upsert_{table}", values)


def _audit_detail(result: ImportResult, **more: object) -> dict[str, object]:
    # The file name only: a full path may name the user's home folder.
    return {"mode": result.mode, "source": Path(result.source).name, "rows": result.counts, **more}


def _record_failure(db: Database, result: ImportResult, actor: str, role: str | None, **more: object) -> None:
    try:
        audit.record(db, actor, role, "import_failed", detail=_audit_detail(result, **more))
    except DatabaseError:
        pass  # the import's own error is the one to report


def validate_source(db: Database, raw: _Source, *, replace: bool = False,
                    among: Mapping[str, Sequence[str]] | None = None) -> _Validator:
    """Every rule of the contract on ``raw`` against the database: the validator holds the issues
    and, when there are none, the staged tables (``staged_tables``). ``among``: see ``_stored_keys``."""
    stored = _stored_keys(db, among)
    empty_db = len(stored["trainees"]) == 0
    next_position = int(db.query("exchange/import/next_function_position")["next_position"].iloc[0])
    validator = _Validator(raw, db, stored, replace=replace, empty_db=empty_db,
                           next_function_position=next_position)
    validator.run()
    return validator


def import_dataset(db: Database, source: str | Path, *, replace: bool = False, dry_run: bool = False,
                   progress=None, actor: str = audit.ACTOR_LOCAL, role: str | None = "beheerder",
                   steps: Steps | None = None) -> ImportResult:
    """Validate ``source`` (folder, .zip or .xlsx) and, if it has no errors, write it.

    Merges by key unless ``replace``; ``dry_run`` validates against the
    database and writes nothing. ``progress`` (optional, no arguments) is
    called once the write transaction has started. ``actor`` and ``role`` go
    into the audit trail (the default is the dashboard without login).
    """
    path = Path(source)
    report(steps, "reading", source=path.name)
    return import_source(db, read_source(path), str(path), replace=replace, dry_run=dry_run, progress=progress,
                         actor=actor, role=role, steps=steps)


def source_from_frames(frames: Mapping[str, pd.DataFrame], issues: Iterable[ImportIssue] = ()) -> _Source:
    """Interchange tables built elsewhere (e.g. from a Network Canvas export) as a source to import:
    one text frame per contract file, rows in order; their lines count from 2 as in a file."""
    source = _Source(issues=list(issues))
    for name, frame in frames.items():
        records = [list(frame.columns)] + frame.fillna("").astype(str).values.tolist()
        table = _table_from_records(FILE_BY_NAME[name], FILE_BY_NAME[name].file_name, records, 1, source.issues)
        if table is not None:
            source.tables[name] = table
    return source


def import_source(db: Database, raw: _Source, source_name: str, *, replace: bool = False, dry_run: bool = False,
                  progress=None, actor: str = audit.ACTOR_LOCAL, role: str | None = "beheerder",
                  locate=None, steps: Steps | None = None) -> ImportResult:
    """``import_dataset`` for a source already read; ``locate`` (optional) maps every issue to where
    the user's own file has that value (a Network Canvas file, line and column)."""
    result = ImportResult(errors=[], mode="replace" if replace else "merge", source=source_name)
    if any(issue.code.startswith("limit.") for issue in raw.issues):
        # A bound was reached: the files were not (all) read, so there is nothing to check further.
        result.errors = list(raw.issues)
        if not dry_run:
            _record_failure(db, result, actor, role, errors=result.error_count)
        return result
    stored = _stored_keys(db)
    empty_db = len(stored["trainees"]) == 0
    next_position = int(db.query("exchange/import/next_function_position")["next_position"].iloc[0])
    validator = _Validator(raw, db, stored, replace=replace, empty_db=empty_db,
                           next_function_position=next_position)
    rows = sum(len(table.data) for table in raw.tables.values())
    report(steps, "read", files=len(raw.tables), rows=rows)
    report(steps, "checking", rows=rows)
    validator.run()
    result.counts = {FILE_BY_NAME[name].file_name: len(table.data) for name, table in
                     sorted(raw.tables.items(), key=lambda item: [s.name for s in FILES].index(item[0]))}
    result.errors = _as_written(_sorted_issues(validator.issues), raw) + validator.issues.summaries()
    if locate is not None:
        result.errors = list(dict.fromkeys(locate(issue) for issue in result.errors))
    result.defaults = tuple(validator.defaults)
    if result.errors:
        if not dry_run:
            _record_failure(db, result, actor, role, errors=result.error_count)
        return result
    staged = arrow_tables(validator.staged_tables())
    _count_changes(db, validator, staged, result)
    if dry_run:
        return result
    def started() -> None:
        report(steps, "writing", rows=sum(table.num_rows for table in staged.values()))
        if progress:
            progress()

    try:
        _write(db, validator, staged, result, started, actor, role)
    except DatabaseError:
        _record_failure(db, result, actor, role, refused_by_database=True)
        raise
    report(steps, "done", rows=sum(result.inserted.values()) + sum(result.updated.values()))
    return result


def _as_written(issues: list[ImportIssue], source: _Source) -> list[ImportIssue]:
    """Name each column in an issue as the file wrote it (``sterkte``, not ``strength``)."""
    written = {table.display: table.written for table in source.tables.values() if table.written}
    if not written:
        return issues
    result = []
    for issue in issues:
        names = written.get(issue.file)
        if names and issue.column:
            column = ", ".join(names.get(part, part) for part in issue.column.split(", "))
            issue = dataclasses.replace(issue, column=column)
        result.append(issue)
    return result


def validate_rows(db: Database, files: Mapping[str, list[list[str]]], display: str) -> tuple[list[ImportIssue], dict[str, pd.DataFrame]]:
    """The import's validation of rows that did not come from a file (a norm
    proposal of the programme page): ``files`` maps a file name
    (``norm_roles``) to its records, header first; ``display`` names the
    source in messages ("voorstel"). Checked as a merge into ``db`` by the
    same rules as an import, so the what-if and the import refuse the same
    things. Returns (issues, staged frames of the given files); writes nothing.
    """
    source = _Source()
    for name, records in files.items():
        spec = FILE_BY_NAME[name]
        table = _table_from_records(spec, f"{display} › {spec.file_name}", records, 1, source.issues)
        if table is not None:
            source.tables[name] = table
    stored = _stored_keys(db)
    validator = _Validator(source, db, stored, replace=False, empty_db=False, next_function_position=0)
    validator.run()
    return _sorted_issues(validator.issues), {name: validator.staged[name] for name in files if name in validator.staged}


def _sorted_issues(issues: list[ImportIssue]) -> list[ImportIssue]:
    def order(issue: ImportIssue) -> tuple:
        stem = issue.file.split(" › ")[-1].lower().removesuffix(".csv")
        spec = FILE_BY_NAME.get(stem)
        columns = spec.columns if spec else ()
        column_rank = columns.index(issue.column) if issue.column in columns else len(columns)
        return (FILES.index(spec) if spec else -1, issue.file, issue.line or 0, column_rank, issue.code)

    return sorted(dict.fromkeys(issues), key=order)


# --- command line ------------------------------------------------------------


def _database_message(exc: Exception, path: object, lang: str) -> str:
    if isinstance(exc, (IntegrityError, DamagedDatabaseError, WriteFailedError)):
        # Refused or failed before commit (rolled back), or a damaged file: the error says what to do.
        return exc.message(lang)
    text = str(exc).lower()
    if "lock" in text:
        return t("import.db_locked", lang, path=path)
    return t("import.db_error", lang, path=path, detail=str(exc))


def summary_lines(result: ImportResult, lang: str = "nl") -> list[str]:
    """A short summary of a successful import or dry run."""
    key = "import.summary.dry_run" if not result.written else f"import.summary.{result.mode}"
    lines = [t(key, lang, source=result.source)]
    for file_name, count in result.counts.items():
        lines.append(t("import.summary.file", lang, file=file_name, rows=count,
                       inserted=result.inserted.get(file_name, 0), updated=result.updated.get(file_name, 0)))
    for name in result.defaults:
        lines.append(t("import.summary.defaults", lang, file=FILE_BY_NAME[name].file_name))
    return lines


def command_import(args: argparse.Namespace) -> int:
    lang = normalise_language(getattr(args, "lang", "nl"))
    path = args.db or None
    try:
        db = Database(path)
    except DatabaseError as exc:
        print(_database_message(exc, path or "", lang), file=sys.stderr)
        return 2
    try:
        def started() -> None:
            print(t("import.writing", lang), flush=True)

        result = import_dataset(db, args.path, replace=args.replace, dry_run=args.dry_run, progress=started,
                                actor=audit.ACTOR_CLI, steps=terminal_steps(lang))
    except DatabaseError as exc:
        print(_database_message(exc, db.path, lang), file=sys.stderr)
        return 2
    finally:
        db.close()
    if result.errors:
        for issue in result.errors:
            print(issue.message(lang), file=sys.stderr)
        print(t("import.failed", lang, count=result.error_count), file=sys.stderr)
        return 1
    for line in summary_lines(result, lang):
        print(line)
    return 0


# --- a norm in memory (issue 17: --norm FOLDER) ---------------------------------------

NORM_FILES: tuple[str, ...] = ("norm_roles", "norm_consultations")


@dataclass
class NormResult:
    """A norm read from a folder, never stored: the norm of programme ``*``
    (None when there are errors), the errors (as an import reports them) and
    the programmes whose own rows were left out (one norm applies to all)."""

    norm: Norm | None
    errors: list[ImportIssue]
    ignored_programmes: tuple[str, ...] = ()
    defaults: tuple[str, ...] = ()


def read_norm(folder: str | Path) -> NormResult:
    """``norm_roles.csv`` and ``norm_consultations.csv`` of ``folder``, validated by
    the import's own checks (the same _Validator, the same messages), into a
    ``Norm`` held in memory only. Other files in the folder are not read (a
    dataset folder such as sample_data can serve as a norm folder). An absent
    file means the shipped default for that part, as in an import into an
    empty database; a file with only a header means "none"."""
    path = Path(folder)
    source = _Source()
    if not path.is_dir():
        return NormResult(None, [ImportIssue(str(path), None, None, None, "source_not_found")])
    entries = [(p.name, p) for p in sorted(path.iterdir())
               if p.is_file() and p.name.lower() in {f"{name}.csv" for name in NORM_FILES}]
    if not entries:
        return NormResult(None, [ImportIssue(path.name, None, None, None, "no_norm_files")])
    _read_csv_files(entries, source)
    nothing_stored = {name: pd.DataFrame() for name in _STORED_KEY_TABLES}
    # replace=False, empty_db=False: no other file is required; nothing stored, so absent files take the defaults
    validator = _Validator(source, None, nothing_stored, replace=False, empty_db=False, next_function_position=0)
    validator.run()
    if validator.issues:
        return NormResult(None, _sorted_issues(validator.issues))
    staged = validator.staged_tables()
    roles, consultations = staged["norm_roles"], staged["norm_consultations"]
    programmes = sorted((set(roles["programme"]) | set(consultations["programme"])) - {domain.DEFAULT_PROGRAMME})
    star_roles = roles[roles["programme"] == domain.DEFAULT_PROGRAMME]
    star_pairs = consultations[consultations["programme"] == domain.DEFAULT_PROGRAMME]
    # as load_norms: rows for other programmes only (no `*` rows) leave `*` the shipped default
    norm = Norm(
        roles=tuple(zip(star_roles["role"], star_roles["expected_strength"]))
        if len(star_roles) or not len(roles) else domain.DEFAULT_NORM_ROLES,
        consultations=tuple(zip(star_pairs["role_a"], star_pairs["role_b"]))
        if len(star_pairs) or not len(consultations) else domain.DEFAULT_NORM_CONSULTATIONS,
    )
    return NormResult(norm, [], tuple(programmes), tuple(validator.defaults))
