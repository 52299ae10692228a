"""Bounded import (issue 16): small files that claim or unpack to something huge are refused with
a message naming the file and the bound, while peak memory stays under 300 MB, through the command
line and through the upload path. The fixtures are built here, small; none is stored in the repo.

The memory watchdog samples the subprocess's resident set (VmRSS in /proc) and kills it past a
ceiling, so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from dashboard.exchange.importer import import_dataset
from dashboard.exchange.limits import ImportLimits
from dashboard.store.db import PROJECT_ROOT, Database
from import_fixtures import tiny_partnership, write_tiny
from dashboard.exchange.interchange import write_dataset

PEAK_MB = 300
KILL_MB = 1500


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


def _watched(command: list[str], env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``command``, sampling its memory every 10 ms; (result, peak MB)."""
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, **(env or {})})
    peak = 0.0
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _rss_mb(process.pid))
            if peak > KILL_MB:
                process.kill()
                return
            stop.wait(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        out, err = process.communicate(timeout=600)
    finally:
        stop.set()
        watcher.join()
    return subprocess.CompletedProcess(command, process.returncode, out, err), peak


def _cli_import(source: Path, db_file: Path) -> tuple[subprocess.CompletedProcess, float]:
    return _watched([sys.executable, "-m", "dashboard", "import", str(source), "--db", str(db_file)])


_UPLOAD = """
import sys
from pathlib import Path
from dashboard.store.db import Database
from dashboard.web import ui
path, db_file = Path(sys.argv[1]), sys.argv[2]
with Database(db_file) as db:
    outcome = ui.run_upload(db, path.name, path.read_bytes(), replace=False, dry_run=False)
if outcome.message:
    print(outcome.message, file=sys.stderr)
for row in outcome.errors.itertuples(index=False):
    print(" | ".join(map(str, row)), file=sys.stderr)
sys.exit(0 if outcome.ok else 1)
"""


def _upload(source: Path, db_file: Path) -> tuple[subprocess.CompletedProcess, float]:
    return _watched([sys.executable, "-c", _UPLOAD, str(source), str(db_file)])


# --- hostile fixtures: small files that claim or unpack to something huge ---------------------------


def _workbook_bytes(sheet_xml_change) -> bytes:
    """The tiny partnership as a workbook, with the trainees sheet's XML changed."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in tiny_partnership().items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append(list(row))
    raw = io.BytesIO()
    workbook.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    target = io.BytesIO()
    sheet_part = "xl/worksheets/sheet4.xml"  # trainees, the fourth sheet
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == sheet_part:
                content = sheet_xml_change(content.decode("utf-8")).encode("utf-8")
            out.writestr(info.filename, content)
    return target.getvalue()


def _claims_whole_sheet(xml: str) -> str:
    return re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml)


def _claims_and_fills_last_cell(xml: str) -> str:
    """The claim, and one cell really at XFD1048576: a sheet of 17 billion cells, in 5 KB."""
    xml = _claims_whole_sheet(xml)
    return xml.replace("</sheetData>",
                       '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')


def _zip_with(tmp_path: Path, name: str, members: dict[str, bytes | callable]) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member, content in members.items():
            if callable(content):
                with archive.open(member, "w", force_zip64=True) as handle:
                    content(handle)
            else:
                archive.writestr(member, content)
    return path


def _tiny_members(tmp_path: Path) -> dict[str, bytes]:
    folder = write_tiny(tmp_path / "tiny-source")
    return {f"data/{path.name}": path.read_bytes() for path in folder.iterdir()}


def _million_column_header(tmp_path: Path) -> Path:
    members = _tiny_members(tmp_path)
    members["data/trainees.csv"] = b"trainee_id" + b",x" * 1_000_000 + b"\nT1\n"
    return _zip_with(tmp_path, "kolommen.zip", members)


def _unpacks_to_900_mb(tmp_path: Path) -> Path:
    members: dict[str, bytes | callable] = dict(_tiny_members(tmp_path))
    line = b"T0001,Anna de Vries,S1,I1,2025-2026,lerarenopleiding,3,\n" * 16384

    def write(handle) -> None:
        handle.write(b"trainee_id,name,school_id,institute_id,cohort,programme,study_year,email\n")
        for _ in range(900 * 1024 * 1024 // len(line)):
            handle.write(line)

    members["data/trainees.csv"] = write
    return _zip_with(tmp_path, "groot.zip", members)


def _unterminated_quote(tmp_path: Path) -> Path:
    """A missing quote makes the rest of the file one value: a line of 40 MB."""
    members = _tiny_members(tmp_path)
    members["data/people.csv"] = b'person_id,name,role\nP1,"Wim' + b" en nog wat" * 4_000_000 + b"\n"
    return _zip_with(tmp_path, "quote.zip", members)


def _too_many_lines(tmp_path: Path) -> Path:
    """Six million blank lines in a 6 KB zip."""
    members: dict[str, bytes | callable] = dict(_tiny_members(tmp_path))

    def write(handle) -> None:
        handle.write(b"trainee_id,name,school_id,institute_id,cohort\n")
        for _ in range(600):
            handle.write(b"\n" * 10_000)

    members["data/trainees.csv"] = write
    return _zip_with(tmp_path, "regels.zip", members)


HOSTILE = {
    "xlsx met A1:XFD1048576 en een cel op XFD1048576": (
        lambda tmp: _write(tmp / "werkblad.xlsx", _workbook_bytes(_claims_and_fills_last_cell)),
        "werkblad.xlsx", "max_columns"),
    "zip met een kop van een miljoen kolommen": (_million_column_header, "trainees.csv", "max_columns"),
    "zip die uitpakt tot 900 MB": (_unpacks_to_900_mb, "groot.zip", "max_unpacked_mb"),
    "regel van 40 MB": (_unterminated_quote, "people.csv", "max_line_kb"),
    "zes miljoen regels": (_too_many_lines, "trainees.csv", "max_rows"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    files = {}
    for name, (build, _, _) in HOSTILE.items():
        sub = folder / re.sub(r"\W+", "-", name)
        sub.mkdir()
        files[name] = build(sub)
        assert files[name].stat().st_size < 5 * 1024 * 1024  # small files that claim to be huge
    return files


def _assert_refused(result: subprocess.CompletedProcess, peak: float, file_name: str, limit: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert file_name in result.stderr and ImportLimits.env_name(limit) in result.stderr, result.stderr[-2000:]
    assert "grens van de import" in result.stderr
    print(f"{file_name}: refused ({limit}), peak {peak:.0f} MB")  # shown with -s
    assert peak < PEAK_MB, f"peak memory {peak:.0f} MB"


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_by_the_command_line_in_bounded_memory(hostile_files, tmp_path, name):
    _, file_name, limit = HOSTILE[name]
    result, peak = _cli_import(hostile_files[name], tmp_path / "db.duckdb")
    _assert_refused(result, peak, file_name, limit)


@pytest.mark.parametrize("name", [n for n in HOSTILE if n != "zes miljoen regels"])
def test_a_hostile_upload_is_refused_in_bounded_memory(hostile_files, tmp_path, name):
    _, file_name, limit = HOSTILE[name]
    if hostile_files[name].stat().st_size > 50 * 1024 * 1024:
        pytest.skip("larger than an upload may be")
    result, peak = _upload(hostile_files[name], tmp_path / "db.duckdb")
    _assert_refused(result, peak, file_name, limit)


def test_a_sheet_that_only_claims_to_be_huge_imports_in_bounded_memory(tmp_path):
    """Near miss: the claimed dimension alone is no reason to refuse; it is just not believed."""
    source = _write(tmp_path / "claim.xlsx", _workbook_bytes(_claims_whole_sheet))
    assert source.stat().st_size < 20_000
    result, peak = _cli_import(source, tmp_path / "db.duckdb")
    assert result.returncode == 0, result.stderr
    assert peak < PEAK_MB, f"peak memory {peak:.0f} MB"


# --- each bound, configurable, with a near miss ------------------------------------------------------


def _import(tmp_path: Path, source: Path):
    with Database(tmp_path / f"{source.stem}.duckdb") as db:
        return import_dataset(db, source)


@pytest.mark.parametrize("limit, value, near_miss", [
    ("MAX_ROWS", 16, 30), ("MAX_COLUMNS", 10, 12), ("MAX_LINE_KB", 1, 2),
])
def test_each_csv_bound_is_configurable_and_names_the_file(tmp_path, monkeypatch, limit, value, near_miss):
    tables = tiny_partnership()
    tables["relationships"].loc[0, "contact_note"] = "x" * 1500  # a line of 1.6 KB
    source = write_dataset(tables, tmp_path / "data")
    monkeypatch.setenv(f"CONSTELLATIEMONITOR_IMPORT_{limit}", str(value))
    result = _import(tmp_path, source)
    [issue] = [e for e in result.errors if e.code.startswith("limit.")]
    assert issue.code == f"limit.{limit.lower()}" and issue.file.endswith(".csv")
    assert f"CONSTELLATIEMONITOR_IMPORT_{limit}" in issue.message()
    monkeypatch.setenv(f"CONSTELLATIEMONITOR_IMPORT_{limit}", str(near_miss))
    assert _import(tmp_path, source).ok


def test_a_zip_with_too_many_entries_is_refused(tmp_path):
    members = _tiny_members(tmp_path)
    members.update({f"data/x_{i}.txt": b"" for i in range(ImportLimits().max_zip_entries)})
    result = _import(tmp_path, _zip_with(tmp_path, "veel.zip", members))
    assert [(e.file, e.code) for e in result.errors] == [("veel.zip", "limit.max_zip_entries")]


def test_a_workbook_whose_parts_unpack_beyond_the_bound_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSTELLATIEMONITOR_IMPORT_MAX_UNPACKED_MB", "1")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "x_notities"  # ignored by the import, but its strings unpack all the same
    for i in range(80):
        sheet.append([f"{i}" + "x" * 30_000])  # 2.4 MB of shared strings, a few KB packed
    raw = io.BytesIO()
    workbook.save(raw)
    data = raw.getvalue()
    assert len(data) < 100_000
    result = _import(tmp_path, _write(tmp_path / "strings.xlsx", data))
    assert [(e.file, e.code) for e in result.errors] == [("strings.xlsx", "limit.max_unpacked_mb")]
    monkeypatch.setenv("CONSTELLATIEMONITOR_IMPORT_MAX_UNPACKED_MB", "5")
    result = _import(tmp_path, _write(tmp_path / "strings.xlsx", data))
    assert not any(e.code.startswith("limit.") for e in result.errors)


def test_a_typo_in_a_limit_variable_keeps_the_default():
    assert ImportLimits.from_environment({"CONSTELLATIEMONITOR_IMPORT_MAX_ROWS": "lots"}).max_rows == \
        ImportLimits().max_rows
    assert ImportLimits.from_environment({"CONSTELLATIEMONITOR_IMPORT_MAX_ROWS": "0"}).max_rows == \
        ImportLimits().max_rows


def test_errors_are_reported_first_per_file_and_rule_then_counted(tmp_path, capsys):
    """A 200 KB file that would give a hundred thousand messages gives a few and a count."""
    rows = "".join(f"T{i},P{i},wann,misschien,heel\n" for i in range(20_000))
    folder = write_tiny(tmp_path / "data")
    (folder / "relationships.csv").write_text("trainee_id,person_id,wave,formal,strength\n" + rows,
                                              encoding="utf-8")
    assert (folder / "relationships.csv").stat().st_size < 1_000_000
    result = _import(tmp_path, folder)
    per_rule = ImportLimits().max_errors_per_rule
    kinds = {(e.file, e.code) for e in result.errors if e.code != "more_errors"}
    assert len(result.errors) <= 2 * per_rule * len(kinds) + 10
    more = [e for e in result.errors if e.code == "more_errors"]
    assert more and all(e.file == "relationships.csv" for e in more)
    assert result.error_count >= 4 * 20_000  # trainee (most), person (most), wave, formal, strength
    assert "Niet getoond:" in more[0].message()
    from dashboard.cli import main

    assert main(["import", str(folder), "--db", str(tmp_path / "cli.duckdb")]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) < 200 and f"{result.error_count} fout(en)" in err
