"""The interchange format of ``shared/data-contract.md``: which files and
columns exist, and how a dataset is written as a CSV folder or one workbook.

Import (reading and validating) lives in ``dashboard/exchange/importer.py``; this
module is shared by the export and the generator, so that both write exactly
the same bytes for the same data.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.core.spreadsheet_safety import INTERCHANGE, write_csv, xlsx_text


@dataclass(frozen=True)
class FileSpec:
    name: str  # file name without .csv, also the sheet name
    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: tuple[str, ...]  # the columns a merge matches on

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


# In the order an import validates and writes them (referenced before referencing).
FILES: tuple[FileSpec, ...] = (
    FileSpec("functions", ("code", "label_nl", "label_en", "group"), ("description",), ("code",)),
    FileSpec("schools", ("school_id", "name"), ("sector",), ("school_id",)),
    FileSpec("institutes", ("institute_id", "name"), (), ("institute_id",)),
    FileSpec(
        "trainees",
        ("trainee_id", "name", "school_id", "institute_id", "cohort"),
        ("programme", "study_year", "email"),
        ("trainee_id",),
    ),
    FileSpec(
        "people",
        ("person_id", "name", "role"),
        ("school_id", "institute_id", "orientation", "email"),
        ("person_id",),
    ),
    FileSpec(
        "relationships",
        ("trainee_id", "person_id", "wave", "formal", "strength"),
        ("functions", "klik", "contribution", "assesses", "contact_frequency", "contact_note"),
        ("trainee_id", "person_id", "wave"),
    ),
    FileSpec(
        "consultations",
        ("trainee_id", "person_a", "person_b", "wave"),
        ("frequency",),
        ("trainee_id", "person_a", "person_b", "wave"),
    ),
    FileSpec("needs", ("trainee_id", "wave", "function"), (), ("trainee_id", "wave", "function")),
    FileSpec("norm_roles", ("programme", "role", "expected_strength"), (), ("programme", "role")),
    FileSpec("norm_consultations", ("programme", "role_a", "role_b"), (), ("programme", "role_a", "role_b")),
    # Version 2 of the contract: steps 5 and 6 (optional on import, always exported).
    FileSpec("valuations", ("trainee_id", "wave", "support"), ("note",), ("trainee_id", "wave")),
    FileSpec(
        "actions",
        ("trainee_id", "wave", "action_id", "function"),
        ("person_id", "note", "status"),
        ("trainee_id", "wave", "action_id"),
    ),
)
FILE_BY_NAME: dict[str, FileSpec] = {f.name: f for f in FILES}

# Needed when importing into an empty database or with --replace.
REQUIRED_FOR_NEW: tuple[str, ...] = ("schools", "institutes", "trainees", "people", "relationships")

# The version of shared/data-contract.md this module implements.
CONTRACT_VERSION = 2

EXTRA_PREFIX = "x_"

# A fixed timestamp for workbook parts, so the same data gives the same bytes.
_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME = "2000-01-01T00:00:00Z"


def ordered_columns(spec: FileSpec, frame: pd.DataFrame) -> list[str]:
    """The contract's columns first (those present), then ``x_`` columns sorted."""
    known = [c for c in spec.columns if c in frame.columns]
    extra = sorted(c for c in frame.columns if c.startswith(EXTRA_PREFIX))
    return known + extra


def _as_text_rows(spec: FileSpec, frame: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    columns = ordered_columns(spec, frame)
    # Column by column: a per-cell pd.isna() dominated writing large datasets.
    texts = []
    for column in columns:
        values = frame[column]
        missing = values.isna().tolist()
        texts.append(["" if gone else str(v) for v, gone in zip(values.tolist(), missing)])
    rows = [list(row) for row in zip(*texts)] if texts else []
    return columns, rows


def write_dataset(tables: Mapping[str, pd.DataFrame], out: str | Path) -> Path:
    """Write ``tables`` (file name -> frame of text values) to ``out``.

    ``out`` ending in ``.xlsx`` gives one workbook with a sheet per file;
    anything else is a folder of UTF-8 CSV files separated by ``,``. Files are
    written in contract order and only for the tables given. Same data, same
    bytes.
    """
    out = Path(out)
    specs = [spec for spec in FILES if spec.name in tables]
    unknown = set(tables) - set(FILE_BY_NAME)
    if unknown:
        raise ValueError(f"not an interchange file: {sorted(unknown)}")
    if out.suffix.lower() == ".xlsx":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(_workbook_bytes([(spec, tables[spec.name]) for spec in specs]))
    else:
        out.mkdir(parents=True, exist_ok=True)
        for spec in specs:
            columns, rows = _as_text_rows(spec, tables[spec.name])
            with open(out / spec.file_name, "w", encoding="utf-8", newline="") as handle:
                # The frames are already neutralised (the export does it once, for CSV and workbook).
                write_csv(handle, columns, rows, INTERCHANGE, neutralise=False)
    return out


def _workbook_bytes(sheets: list[tuple[FileSpec, pd.DataFrame]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for spec, frame in sheets:
        sheet = workbook.create_sheet(spec.name)
        columns, rows = _as_text_rows(spec, frame)
        sheet.append(columns)
        for row in rows:
            # Every cell is text, so identifiers like 007 survive Excel; CR and control characters escaped.
            sheet.append([xlsx_text(cell) for cell in row])
    raw = io.BytesIO()
    workbook.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a workbook with fixed timestamps so its bytes are reproducible."""
    import re

    source = zipfile.ZipFile(io.BytesIO(data))
    target_bytes = io.BytesIO()
    with zipfile.ZipFile(target_bytes, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    lambda m: m.group(1) + _FIXED_DOC_TIME + m.group(3),
                    text,
                )
                content = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return target_bytes.getvalue()
