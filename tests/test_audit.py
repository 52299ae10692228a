"""The audit trail: append-only rows for imports, exports, downloads; the `audit` command."""

from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import pytest

from dashboard.privacy import audit
from dashboard.exchange import importer
from dashboard.cli import AUDIT_ACTIONS, main
from dashboard.store.db import AUDIT_CHAIN_VERSION, PROJECT_ROOT, QUERIES_DIR, Database, DatabaseError
from dashboard.exchange.exporter import export_bytes, export_dataset
from dashboard.exchange.importer import import_dataset
from import_fixtures import frame, write_tiny


def _actions(db: Database) -> list[tuple[str, str]]:
    log = audit.audit_log(db)
    return list(zip(log["actor"], log["action"]))


def test_record_appends_rows_with_increasing_ids_and_sorted_json_detail(empty_db):
    first = audit.record(empty_db, "lokaal", "beheerder", "export", detail={"b": 1, "a": "é"})
    second = audit.record(empty_db, "coordinator@school.nl", "schoolopleider", "view_constellation",
                          subject_id="007")
    assert second > first
    log = audit.audit_log(empty_db)
    assert list(log.columns) == list(audit.LOG_COLUMNS)
    assert log["detail"].tolist()[0] == '{"a": "é", "b": 1}'
    assert log["subject_id"].tolist()[1] == "007"
    assert (dt.datetime.now(dt.UTC).replace(tzinfo=None) - log["occurred_at"].iloc[1]) < dt.timedelta(minutes=5)


def test_record_refuses_unknown_actions_and_empty_actors(empty_db):
    with pytest.raises(ValueError):
        audit.record(empty_db, "cli", None, "looked_around")
    with pytest.raises(ValueError):
        audit.record(empty_db, " ", None, "export")
    assert audit.audit_log(empty_db).empty


def test_a_row_recorded_in_a_transaction_that_rolls_back_is_gone(empty_db):
    with pytest.raises(RuntimeError):
        with empty_db.transaction() as cursor:
            audit.record(cursor, "cli", "beheerder", "purge")
            raise RuntimeError("the work failed")
    assert audit.audit_log(empty_db).empty


def test_audit_log_filters_on_date_and_action(empty_db):
    audit.record(empty_db, "cli", "beheerder", "export", occurred_at=dt.datetime(2024, 3, 1, 12))
    audit.record(empty_db, "cli", "beheerder", "import", occurred_at=dt.datetime(2025, 3, 1, 12))
    audit.record(empty_db, "cli", "beheerder", "export", occurred_at=dt.datetime(2025, 3, 2, 12))
    assert audit.audit_log(empty_db, since="2025-03-01")["action"].tolist() == ["import", "export"]
    assert audit.audit_log(empty_db, since=dt.date(2025, 3, 2))["action"].tolist() == ["export"]
    assert len(audit.audit_log(empty_db, action="export")) == 2
    assert audit.audit_log(empty_db, since="2025-01-01", action="export")["occurred_at"].tolist() == [
        dt.datetime(2025, 3, 2, 12)]


def test_a_written_import_is_recorded_with_file_name_and_counts_only(tmp_path, empty_db):
    result = import_dataset(empty_db, write_tiny(tmp_path / "secret-home" / "data"))
    assert result.ok
    log = audit.audit_log(empty_db)
    assert _actions(empty_db) == [("lokaal", "import")]
    detail = json.loads(log["detail"].iloc[0])
    assert detail == {"mode": "merge", "source": "data", "rows": result.counts}
    assert log["role"].iloc[0] == "beheerder"


def test_a_failed_import_records_the_attempt_but_no_values(tmp_path, empty_db):
    bad = frame([{"school_id": "S1", "name": "Het Baken", "sector": "=geheim"}])
    result = import_dataset(empty_db, write_tiny(tmp_path / "data", schools=bad))
    assert not result.ok
    assert empty_db.is_empty()
    log = audit.audit_log(empty_db)
    assert log["action"].tolist() == ["import_failed"]
    detail = json.loads(log["detail"].iloc[0])
    assert detail["errors"] == len(result.errors) and "geheim" not in log["detail"].iloc[0]


def test_a_dry_run_records_nothing(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "data"), dry_run=True).ok
    assert audit.audit_log(empty_db).empty


def test_a_write_the_database_refuses_is_recorded_as_failed(tmp_path, empty_db, monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(importer, "_write", refuse)
    with pytest.raises(DatabaseError):
        import_dataset(empty_db, write_tiny(tmp_path / "data"))
    log = audit.audit_log(empty_db)
    assert log["action"].tolist() == ["import_failed"]
    assert json.loads(log["detail"].iloc[0])["refused_by_database"] is True


def test_exports_and_downloads_are_recorded(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "data")).ok
    export_dataset(empty_db, tmp_path / "out.xlsx")
    export_bytes(empty_db, "zip")
    export_dataset(empty_db, tmp_path / "csv", actor="beheer@partnerschap.nl", role="beheerder")
    log = audit.audit_log(empty_db)
    assert _actions(empty_db)[1:] == [("lokaal", "export"), ("lokaal", "download"),
                                      ("beheer@partnerschap.nl", "export")]
    details = [json.loads(text) for text in log["detail"].tolist()[1:]]
    assert [d["format"] for d in details] == ["xlsx", "zip", "csv"]
    assert details[0]["rows"]["trainees.csv"] == 2


def test_the_command_line_records_itself_as_cli(tmp_path, capsys):
    db_file = tmp_path / "cli.duckdb"
    assert main(["import", str(write_tiny(tmp_path / "data")), "--db", str(db_file)]) == 0
    assert main(["export", str(tmp_path / "out"), "--db", str(db_file)]) == 0
    with Database(db_file) as db:
        assert _actions(db) == [("cli", "import"), ("cli", "export")]


def test_audit_command_formats_and_filters(tmp_path, capsys):
    db_file = tmp_path / "cli.duckdb"
    with Database(db_file) as db:
        audit.record(db, "=HYPERLINK(1)", "beheerder", "export", occurred_at=dt.datetime(2024, 5, 1))
        audit.record(db, "cli", "beheerder", "purge", detail={"cohorts": ["2020-2021"]},
                     occurred_at=dt.datetime(2025, 5, 1))
    capsys.readouterr()
    assert main(["audit", "--db", str(db_file), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["action"] for r in rows] == ["export", "purge"]
    assert rows[1]["detail"] == {"cohorts": ["2020-2021"]} and rows[1]["occurred_at"] == "2025-05-01T00:00:00"
    assert main(["audit", "--db", str(db_file), "--format", "csv", "--action", "export"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "id,occurred_at,actor,role,action,subject_id,detail"
    assert "'=HYPERLINK(1)" in out and "purge" not in out
    assert main(["audit", "--db", str(db_file), "--since", "2025-01-01"]) == 0
    out = capsys.readouterr().out
    assert "purge" in out and "HYPERLINK" not in out
    assert main(["audit", "--db", str(db_file), "--since", "2030-01-01"]) == 0
    assert "geen regels" in capsys.readouterr().out


def test_audit_command_explains_a_bad_date_in_dutch_or_english(tmp_path, capsys):
    assert main(["audit", "--db", str(tmp_path / "x.duckdb"), "--since", "1 mei"]) == 2
    assert "geen datum" in capsys.readouterr().err
    assert main(["--lang", "en", "audit", "--db", str(tmp_path / "x.duckdb"), "--since", "1 mei"]) == 2
    assert "is not a date" in capsys.readouterr().err


def test_the_command_line_knows_every_action():
    assert AUDIT_ACTIONS == audit.ACTIONS


_WRITES_AUDIT = re.compile(r"\b(UPDATE|DELETE\s+FROM|INSERT\s+INTO|TRUNCATE|DROP\s+TABLE|ALTER\s+TABLE)\s+audit_log\b",
                           re.IGNORECASE)


def test_audit_log_is_append_only_except_for_the_documented_purge_and_erasure():
    writers = {}
    for path in QUERIES_DIR.rglob("*.sql"):
        found = sorted({m.group(1).split()[0].upper() for m in _WRITES_AUDIT.finditer(path.read_text())})
        if found:
            writers[str(path.relative_to(QUERIES_DIR))] = found
    assert writers == {"privacy/audit/record.sql": ["INSERT"], "privacy/avg/erase.sql": ["UPDATE"],
                       "privacy/avg/erase_user.sql": ["UPDATE"], "privacy/avg/purge.sql": ["DELETE", "UPDATE"],
                       # the chain's own columns: sealing after the upgrade and the two redactions
                       "store/audit_chain/seal.sql": ["UPDATE"],
                       f"store/schema/{AUDIT_CHAIN_VERSION:03d}_audit_chain.sql": ["ALTER"]}
    seal = (QUERIES_DIR / "store/audit_chain/seal.sql").read_text()
    assert "SET prev_hash = s.prev_hash, row_hash = s.row_hash" in seal and seal.count("=") == 3
    python = [p for p in (PROJECT_ROOT / "dashboard").rglob("*.py") if _WRITES_AUDIT.search(p.read_text())]
    assert python == []


# --- the chain and its own retention (issue 16) --------------------------------------


def _chained_file(tmp_path) -> str:
    path = tmp_path / "chain.duckdb"
    with Database(path) as db:
        for n in range(5):
            audit.record(db, "a@x.nl", "schoolopleider", "view_constellation", subject_id=f"T{n}")
    return str(path)


def test_audit_verify_says_the_chain_is_intact(tmp_path, capsys):
    path = _chained_file(tmp_path)
    assert main(["audit", "verify", "--db", path]) == 0
    out = capsys.readouterr().out
    assert "De keten van het auditlogboek is intact: 5 regels, de laatste is regel 5 met hash" in out


@pytest.mark.parametrize("edit, problem, row", [
    ("UPDATE audit_log SET subject_id = 'T9' WHERE id = 3", "regel 3: de inhoud van die regel past niet", 3),
    ("UPDATE audit_log SET occurred_at = occurred_at + INTERVAL 1 SECOND WHERE id = 2",
     "regel 2: de inhoud van die regel past niet", 2),
    ("DELETE FROM audit_log WHERE id = 4", "regel 5: die sluit niet aan op regel 3", 5),
    ("INSERT INTO audit_log (id, occurred_at, actor, action) VALUES (6, now(), 'cli', 'export')",
     "regel 6: die regel heeft geen hash", 6),
    ("DELETE FROM audit_log WHERE id <= 2", "regel 3, de eerste regel", 3),
], ids=["subject", "time", "deleted", "inserted", "start-removed"])
def test_audit_verify_names_the_row_where_a_direct_edit_broke_the_chain(tmp_path, capsys, edit, problem, row):
    path = _chained_file(tmp_path)
    con = duckdb.connect(path)
    con.execute(edit)
    con.close()
    assert main(["audit", "verify", "--db", path]) == 1
    err = capsys.readouterr().err
    assert f"De keten van het auditlogboek is verbroken bij {problem}" in err, err
    with Database(path) as db:
        assert audit.verify_chain(db).broken_id == row


def test_an_edit_that_recomputes_the_rows_own_hash_still_breaks_at_the_next_row(tmp_path):
    from dashboard.core import audit_chain

    path = _chained_file(tmp_path)
    con = duckdb.connect(path)
    row = con.execute("SELECT id, occurred_at, actor, role, action, subject_id, detail, prev_hash"
                      " FROM audit_log WHERE id = 2").fetchone()
    forged = list(row[1:7])  # the content the hash covers (the id is not part of it)
    forged[4] = "T9"
    con.execute("UPDATE audit_log SET subject_id = 'T9', row_hash = ? WHERE id = 2",
                [audit_chain.row_hash(row[7], forged)])
    con.close()
    with Database(path) as db:
        report = audit.verify_chain(db)
    assert (report.broken_id, report.problem, report.previous_id) == (3, "link", 2)


def test_purge_keeps_audit_rows_for_their_own_retention(tmp_path, capsys):
    """Issue 16: `purge --before <today>` deleted every earlier audit row."""
    path = _chained_file(tmp_path)
    with Database(path) as db:
        audit.record(db, "cli", "beheerder", "export", occurred_at=dt.datetime(2020, 1, 1))  # past retention
    today = dt.date.today().isoformat()
    assert main(["purge", "--before", today, "--yes", "--db", path]) == 0
    out = capsys.readouterr().out
    assert "eigen bewaartermijn van 2 jaar" in out
    with Database(path) as db:
        log = audit.audit_log(db)
        assert log["action"].tolist() == ["view_constellation"] * 5 + ["purge"]  # only the 2020 row went
        assert json.loads(log["detail"].iloc[-1])["audit_before"] < today
        assert audit.verify_chain(db).intact
    # Near miss: rows removed at the start by a purge verify; the same removal by hand does not.
    with Database(path) as db:
        audit.record(db, "cli", "beheerder", "export", occurred_at=dt.datetime(2020, 1, 2))
        assert audit.verify_chain(db).intact


def test_purge_of_old_rows_at_the_start_keeps_the_chain_verifiable(tmp_path):
    from dashboard.privacy.avg import purge

    path = tmp_path / "old.duckdb"
    with Database(path) as db:
        for day in (1, 2, 3):
            audit.record(db, "cli", "beheerder", "export", occurred_at=dt.datetime(2020, 1, day))
        for _ in range(3):
            audit.record(db, "cli", "beheerder", "export")
        purge(db, dt.date.today())
        log = audit.audit_log(db)
        assert len(log) == 4 and log["id"].iloc[0] == 4
        assert audit.verify_chain(db).intact
        # Near miss: removing the next row at the start by hand is caught.
        db.cursor().execute("DELETE FROM audit_log WHERE id = 4")
        report = audit.verify_chain(db)
        assert (report.broken_id, report.problem) == (5, "start")
