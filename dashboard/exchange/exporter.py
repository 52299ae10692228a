"""Export of all data in the interchange format (shared/data-contract.md).

Canonical values: lower-case Dutch codes, booleans ``ja``/``nee``, empty for
unknown, functions ``;``-joined in taxonomy order, rows sorted by key
(functions.csv in taxonomy order, since its order is the taxonomy's). The
``x_`` columns an import kept come back as columns. Export, import into an
empty database and export again gives identical files.

Text that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``,
``@``, tab, carriage return) gets a leading apostrophe
(``dashboard/core/spreadsheet_safety.py``); the import takes it off again, so the
round trip stays exact. Every export and download is recorded in the audit
trail (``dashboard/privacy/audit.py``).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Literal

import pandas as pd

from dashboard.privacy import audit
from dashboard.store.db import DamagedDatabaseError, Database, DatabaseError
from dashboard.core.i18n import normalise_language, t
from dashboard.exchange.interchange import FILES, write_dataset
from dashboard.exchange.progress import report, terminal_steps
from dashboard.core.spreadsheet_safety import neutralise_formulas

_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_FILE_NAME = {spec.name: spec.file_name for spec in FILES}


def _expand_extra(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn the ``extra`` JSON text into one column per ``x_`` attribute."""
    extra = frame.pop("extra")
    parsed = [json.loads(text) if isinstance(text, str) and text else {} for text in extra.tolist()]
    names = sorted({name for attributes in parsed for name in attributes})
    for name in names:
        frame[name] = pd.Series([attributes.get(name, "") for attributes in parsed], index=frame.index, dtype="str")
    return frame


def export_tables(db: Database) -> dict[str, pd.DataFrame]:
    """Every interchange file as a frame of text ("" for unknown), in contract order."""
    tables = {}
    for spec in FILES:
        frame = db.query(f"exchange/export/{spec.name}")
        frame = _expand_extra(frame)
        for column in frame.columns:
            frame[column] = frame[column].astype("str").fillna("")  # empty = unknown
        tables[spec.name] = neutralise_formulas(frame.reset_index(drop=True))
    return tables


def _record(db: Database, action: str, actor: str, role: str | None, tables: dict[str, pd.DataFrame],
            output: str) -> None:
    rows = {_FILE_NAME[name]: len(frame) for name, frame in tables.items()}
    audit.record(db, actor, role, action, detail={"format": output, "rows": rows})



def export_dataset(db: Database, out: str | Path, *, actor: str = audit.ACTOR_LOCAL,
                   role: str | None = "beheerder") -> Path:
    """Write all data to ``out``: a folder of CSV files, or one workbook if it ends in .xlsx."""
    tables = export_tables(db)
    written = write_dataset(tables, out)
    _record(db, "export", actor, role, tables, "xlsx" if written.suffix.lower() == ".xlsx" else "csv")
    return written


def export_bytes(db: Database, kind: Literal["xlsx", "zip"], *, actor: str = audit.ACTOR_LOCAL,
                 role: str | None = "beheerder") -> bytes:
    """The export as bytes for a download button: one workbook, or a zip of the CSV files.

    Recorded in the audit trail as a ``download`` by ``actor`` (default: the
    dashboard without login).
    """
    if kind not in ("xlsx", "zip"):
        raise ValueError(f"unknown export kind: {kind!r}")
    tables = export_tables(db)
    data = _export_bytes(tables, kind)
    _record(db, "download", actor, role, tables, kind)
    return data


def _export_bytes(tables: dict[str, pd.DataFrame], kind: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        if kind == "xlsx":
            return write_dataset(tables, Path(folder) / "constellatiemonitor.xlsx").read_bytes()
        if kind != "zip":
            raise ValueError(f"unknown export kind: {kind!r}")
        written = write_dataset(tables, Path(folder) / "constellatiemonitor")
        raw = io.BytesIO()
        with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for spec in FILES:
                # Fixed timestamps: the same data gives the same bytes.
                info = zipfile.ZipInfo(f"constellatiemonitor/{spec.file_name}", date_time=_FIXED_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, (written / spec.file_name).read_bytes())
        return raw.getvalue()


def command_export(args: argparse.Namespace) -> int:
    lang = normalise_language(getattr(args, "lang", "nl"))
    try:
        db = Database(args.db or None)
    except DamagedDatabaseError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 2
    except DatabaseError as exc:
        key = "export.db_locked" if "lock" in str(exc).lower() else "export.db_error"
        print(t(key, lang, path=args.db or "", detail=str(exc)), file=sys.stderr)
        return 2
    steps = terminal_steps(lang)
    try:
        report(steps, "reading", source=str(db.path))
        tables = export_tables(db)
        report(steps, "writing", files=len(tables), rows=sum(len(frame) for frame in tables.values()))
        try:
            out = write_dataset(tables, args.out)
        except OSError as exc:
            print(t("export.write_error", lang, path=args.out, detail=str(exc)), file=sys.stderr)
            return 2
        _record(db, "export", audit.ACTOR_CLI, "beheerder", tables,
                "xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    finally:
        db.close()
    print(t("export.done", lang, path=out))
    for spec in FILES:
        print(t("export.file", lang, file=spec.file_name, rows=len(tables[spec.name])))
    return 0
