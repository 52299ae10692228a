"""Steps of long work for a terminal: printed on a terminal, silent when piped."""

from __future__ import annotations

import io

from dashboard.exchange.importer import import_dataset
from dashboard.exchange.progress import describe, terminal_steps
from import_fixtures import write_tiny


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_steps_are_printed_on_a_terminal_with_counts(tmp_path, empty_db):
    terminal = _Terminal()
    result = import_dataset(empty_db, write_tiny(tmp_path / "data"), steps=terminal_steps("nl", terminal))

    assert result.ok
    lines = terminal.getvalue().splitlines()
    assert lines[0] == "Lezen: data…"
    assert lines[1].startswith("Gelezen: 7 bestanden, ") and lines[1].endswith(" regels.")
    assert lines[2].startswith("Controleren: ") and lines[3].startswith("Schrijven: ")
    assert lines[-1].startswith("Klaar: ")


def test_nothing_is_printed_when_piped():
    assert terminal_steps("nl", io.StringIO()) is None


def test_counts_say_one_and_many_right():
    assert describe("read", "nl", files=1, rows=1) == "Gelezen: 1 bestand, 1 regel."
    assert describe("read", "nl", files=2, rows=0) == "Gelezen: 2 bestanden, 0 regels."
    assert describe("read", "en", sessions=1) == "Read: 1 session."
    assert describe("writing", "en", rows=12) == "Writing: 12 rows…"
