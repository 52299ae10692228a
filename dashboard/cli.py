"""Command line: ``python -m dashboard <command>`` (also ``constellatiemonitor``).

This module only declares the commands and their options; each command's work
lives in the module that owns it, behind a ``command_<name>(args) -> int``.
Handlers are imported lazily so that ``--help`` and light commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from dashboard.domain import WAVES

# command -> "module:function"
_HANDLERS: dict[str, str] = {
    "import": "dashboard.importer:command_import",
    "export": "dashboard.exporter:command_export",
    "generate": "dashboard.generator:command_generate",
    "serve": "dashboard.server:command_serve",
    "flags": "dashboard.report:command_flags",
    "coverage": "dashboard.report:command_coverage",
    "measures": "dashboard.report:command_measures",
}


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="FILE",
        help="DuckDB database file (default: $CONSTELLATIEMONITOR_DB or data/constellatiemonitor.duckdb)",
    )


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--school", help="only trainees of this school_id")
    parser.add_argument("--institute", help="only trainees of this institute_id")
    parser.add_argument("--cohort", help="only this cohort, e.g. 2025-2026")
    parser.add_argument("--programme", help="only this programme")
    parser.add_argument("--wave", choices=WAVES, help="this wave instead of each trainee's latest")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Constellatiemonitor: begeleidingsconstellaties van leraren in opleiding.",
    )
    parser.add_argument("--lang", choices=("nl", "en"), default="nl", help="language of messages (default nl)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("import", help="import a CSV folder or .xlsx workbook")
    p.add_argument("path", metavar="PATH", help="folder of CSV files, or an .xlsx workbook")
    _add_db(p)
    p.add_argument("--replace", action="store_true", help="replace all data instead of merging")
    p.add_argument("--dry-run", action="store_true", help="validate only; write nothing")

    p = commands.add_parser("export", help="export all data in the interchange format")
    p.add_argument("out", metavar="OUT", help="folder for CSV files, or a file ending in .xlsx")
    _add_db(p)

    p = commands.add_parser("generate", help="write a fictitious partnership in the interchange format")
    p.add_argument("out", metavar="OUT", help="folder for CSV files, or a file ending in .xlsx")
    p.add_argument("--trainees", type=int, default=240, metavar="N", help="number of trainees (default 240)")
    p.add_argument("--seed", type=int, default=2025, metavar="S", help="random seed (default 2025)")

    p = commands.add_parser("serve", help="start the dashboard (Streamlit, headless)")
    _add_db(p)
    p.add_argument("--port", type=int, default=8501, metavar="P", help="port (default 8501)")
    p.add_argument("--address", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")

    p = commands.add_parser("flags", help="attention signals per trainee (and per mentor)")
    _add_db(p)
    _add_filters(p)

    p = commands.add_parser("coverage", help="guidance-function coverage")
    _add_db(p)
    _add_filters(p)
    p.add_argument(
        "--by",
        choices=("trainee", "school", "institute", "cohort", "programme"),
        default="trainee",
        help="per trainee (default) or per group",
    )

    p = commands.add_parser("measures", help="network measures per trainee and wave")
    _add_db(p)
    _add_filters(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module_name, function_name = _HANDLERS[args.command].split(":")
    handler = getattr(importlib.import_module(module_name), function_name)
    return int(handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
