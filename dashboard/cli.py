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

from dashboard.core.domain import WAVES

# Kept here rather than imported from dashboard.privacy.audit, so that --help stays light.
AUDIT_ACTIONS: tuple[str, ...] = (
    "login", "login_denied", "view_constellation", "download", "export", "import", "import_failed",
    "user_add", "user_change", "user_remove", "person_export", "person_erase", "purge",
    "access_denied",
    "norm_adopt", "report",
    "capture",
)

# command -> "module:function"
_HANDLERS: dict[str, str] = {
    "import": "dashboard.exchange.netcanvas:command_import",  # NC exports there, the rest to the importer
    "roster": "dashboard.exchange.netcanvas:command_roster",
    "export": "dashboard.exchange.research:command_export",  # --research there, the rest to the exporter
    "generate": "dashboard.exchange.generator:command_generate",
    "serve": "dashboard.web.server:command_serve",
    "flags": "dashboard.tools.report:command_flags",
    "coverage": "dashboard.tools.report:command_coverage",
    "measures": "dashboard.tools.report:command_measures",
    "attention": "dashboard.tools.report:command_attention",
    "patterns": "dashboard.tools.report:command_patterns",
    "suggest": "dashboard.tools.suggest:command_suggest",
    "scenario": "dashboard.tools.suggest:command_scenario",
    "users": "dashboard.privacy.users:command_users",
    "audit": "dashboard.privacy.audit:command_audit",
    "person": "dashboard.privacy.avg:command_person",
    "purge": "dashboard.privacy.avg:command_purge",
    "bench": "dashboard.tools.bench:command_bench",
    "report": "dashboard.exchange.meeting_report:command_report",
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


def _add_norm(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--norm",
        metavar="FOLDER",
        help="use the norm in FOLDER (norm_roles.csv, norm_consultations.csv) for every trainee, "
             "validated like an import and held in memory only (never stored)",
    )


def _add_caps(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cap", action="append", metavar="ROLE=N",
        help="load cap of a role for candidates (default werkplekbegeleider=3, others 25; '*=N' for every other role)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Constellatiemonitor: begeleidingsconstellaties van leraren in opleiding.",
    )
    parser.add_argument("--lang", choices=("nl", "en"), default="nl", help="language of messages (default nl)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("import", help="import a CSV folder or .xlsx workbook")
    p.add_argument("path", metavar="PATH", help="folder of CSV files, an .xlsx workbook, or a Network Canvas "
                   "export (folder, .zip or .graphml)")
    _add_db(p)
    p.add_argument("--replace", action="store_true", help="replace all data instead of merging")
    p.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    p.add_argument("--nc-mapping", metavar="FILE",
                   help="Network Canvas export of a protocol of one's own: a TOML file mapping its variables "
                        "(see docs/networkcanvas.md)")

    p = commands.add_parser("roster", help="write the roster of mentors for the Network Canvas protocol")
    p.add_argument("out", metavar="OUT.csv", help="the roster CSV (put it in the protocol as its roster)")
    _add_db(p)
    p.add_argument("--school", help="only people of this school_id")
    p.add_argument("--institute", help="only people of this institute_id")
    p.add_argument("--role", help="only this role, e.g. werkplekbegeleider")

    p = commands.add_parser("export", help="export all data in the interchange format")
    p.add_argument("out", metavar="OUT", help="folder for CSV files, or a file ending in .xlsx")
    _add_db(p)
    p.add_argument("--research", action="store_true",
                   help="a pseudonymised copy for researchers: egor tables, one GraphML per trainee and wave, README")
    p.add_argument("--key", metavar="KEY",
                   help="with --research: the export key; the same key gives the same pseudonyms "
                        "(default: $CONSTELLATIEMONITOR_RESEARCH_KEY, else a random key)")

    p = commands.add_parser("generate", help="write a fictitious partnership in the interchange format")
    p.add_argument("out", metavar="OUT", help="folder for CSV files, or a file ending in .xlsx")
    p.add_argument("--trainees", type=int, default=240, metavar="N", help="number of trainees (default 240)")
    p.add_argument("--seed", type=int, default=2025, metavar="S", help="random seed (default 2025)")

    p = commands.add_parser("serve", help="start the dashboard (Streamlit, headless)")
    _add_db(p)
    p.add_argument("--port", type=int, default=8501, metavar="P", help="port (default 8501)")
    p.add_argument("--address", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; other addresses need login: --auth)")
    p.add_argument("--auth", metavar="FILE",
                   help="secrets TOML with an [auth] section: server mode with OpenID Connect login "
                        "(default: .streamlit/secrets.toml if it has [auth]; else local mode)")

    p = commands.add_parser("flags", help="attention signals per trainee (and per mentor)")
    _add_db(p)
    _add_filters(p)
    _add_norm(p)

    p = commands.add_parser("attention", help="the attention list: tier (nu, bespreken, volgen), rank, new signals")
    _add_db(p)
    _add_filters(p)
    _add_norm(p)
    p.add_argument("--tier", choices=("nu", "bespreken", "volgen"), help="only trainees in this tier")
    p.add_argument("--new", action="store_true", help="only trainees with a signal that is new since their previous wave")

    p = commands.add_parser("patterns", help="the programme's patterns: a signal about one role at >= 40%% of a group")
    _add_db(p)
    _add_filters(p)
    _add_norm(p)

    p = commands.add_parser("coverage", help="guidance-function coverage")
    _add_db(p)
    _add_filters(p)
    _add_norm(p)
    p.add_argument(
        "--by",
        choices=("trainee", "school", "institute", "cohort", "programme"),
        default="trainee",
        help="per trainee (default) or per group",
    )
    p.add_argument(
        "--min-group",
        metavar="K",
        help="with --by: a group of fewer than K trainees is suppressed, and a second group where the total "
             "would reveal it; suppressed figures read '< K' (or 'verborgen'). Default: "
             "$CONSTELLATIEMONITOR_MIN_GROUP or 5; --min-group 1 turns suppression off",
    )

    p = commands.add_parser("measures", help="network measures per trainee and wave")
    _add_db(p)
    _add_filters(p)

    p = commands.add_parser("suggest", help="step 6: who could fill each open function of one trainee")
    _add_db(p)
    p.add_argument("--trainee", required=True, metavar="ID", help="the trainee's trainee_id")
    p.add_argument("--wave", choices=WAVES, help="this wave instead of the trainee's latest")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    _add_caps(p)

    p = commands.add_parser("scenario", help="what if: a mentor leaves (in memory, nothing is written)")
    scenario_commands = p.add_subparsers(dest="scenario_command", required=True, metavar="SCENARIO")
    q = scenario_commands.add_parser("leave", help="PERSON_ID's relationships disappear from the evaluated wave")
    q.add_argument("person_id", metavar="PERSON_ID", help="the person's person_id")
    _add_db(q)
    _add_filters(q)
    _add_caps(q)

    p = commands.add_parser("users", help="manage who may log in: email, role and scope")
    user_commands = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    q = user_commands.add_parser("add", help="add a user, or replace an existing user's role and scope")
    q.add_argument("email", metavar="EMAIL")
    q.add_argument("--role", required=True,
                   help="beheerder, schoolopleider, instituutsopleider, management, werkplekbegeleider or student")
    q.add_argument("--school", action="append", metavar="ID",
                   help="a school_id the user may see (schoolopleider; repeat for more)")
    q.add_argument("--institute", action="append", metavar="ID",
                   help="an institute_id the user may see (instituutsopleider; repeat for more)")
    q.add_argument("--trainee", metavar="ID", help="the student's own trainee_id (student)")
    q.add_argument("--person", metavar="ID",
                   help="the werkplekbegeleider's person_id: sees their formal trainees (werkplekbegeleider)")
    _add_db(q)
    q = user_commands.add_parser("remove", help="remove a user")
    q.add_argument("email", metavar="EMAIL")
    _add_db(q)
    q = user_commands.add_parser("list", help="list users with their role and scope")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    _add_db(q)

    p = commands.add_parser("audit", help="show the audit trail (who did what, when); 'audit verify' checks its chain")
    p.add_argument("audit_command", nargs="?", choices=("verify",), metavar="verify",
                   help="check the hash chain of the trail: intact, or the first row where it breaks")
    _add_db(p)
    p.add_argument("--since", metavar="DATE", help="only rows from this date (YYYY-MM-DD, UTC) on")
    p.add_argument("--action", choices=AUDIT_ACTIONS, help="only this action")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")

    p = commands.add_parser("person", help="AVG: export or erase everything about one trainee or person")
    person_commands = p.add_subparsers(dest="person_command", required=True, metavar="ACTION")
    q = person_commands.add_parser("export", help="everything about ID from all tables (JSON or .xlsx)")
    q.add_argument("id", metavar="ID", help="a trainee_id or person_id")
    q.add_argument("--out", metavar="FILE", help="FILE.json or FILE.xlsx (default: JSON on standard output)")
    _add_db(q)
    q = person_commands.add_parser("erase", help="remove ID everywhere, in one transaction")
    q.add_argument("id", metavar="ID", help="a trainee_id or person_id")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q.add_argument("--user", action="store_true",
                   help="also erase the user accounts with ID's e-mail address (kept otherwise)")
    _add_db(q)

    p = commands.add_parser("purge", help="AVG: remove cohorts past their retention period")
    _add_db(p)
    p.add_argument("--before", metavar="DATE",
                   help="remove cohorts that ended before DATE (YYYY-MM-DD; default: today minus the retention)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = commands.add_parser("report", help="meeting report for the steering group: an A4 PDF on the four dialogue themes")
    _add_db(p)
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.add_argument("--school", help="only trainees of this school_id")
    p.add_argument("--institute", help="only trainees of this institute_id")
    p.add_argument("--cohort", help="only this cohort, e.g. 2025-2026")
    p.add_argument("--programme", help="only this programme")
    p.add_argument("--wave", choices=WAVES, help="this wave instead of each trainee's latest")
    p.add_argument("--lang", choices=("nl", "en"), default=argparse.SUPPRESS,
                   help="language of the report (also before the command)")

    p = commands.add_parser("bench", help="benchmark suite: import, analysis, pages, concurrency, memory, capture vs floor")
    p.add_argument("--trainees", type=int, nargs="+", metavar="N",
                   help="dataset sizes in trainees (default 1000 10000 40000 100000)")
    p.add_argument("--runs", type=int, default=5, metavar="R", help="runs per figure (default 5)")
    p.add_argument("--seed", type=int, default=2025, metavar="S", help="random seed of the datasets (default 2025)")
    p.add_argument("--sessions", type=int, default=10, metavar="K", help="concurrent browser sessions (default 10)")
    p.add_argument("--replicas", type=int, default=1, metavar="R",
                   help="also run the sessions back to back against R serve replicas, spread in turn (default 1: not)")
    p.add_argument("--scenarios", nargs="+", choices=("import", "analysis", "pages", "concurrency", "memory", "capture"),
                   help="measure only these (default all)")
    p.add_argument("--skip-browser", action="store_true", help="skip concurrency and memory (no browser, no serve)")
    p.add_argument("--out", metavar="FILE", help="JSON results (default test-output/bench.json)")
    p.add_argument("--curve", metavar="FILE", help="also draw the cost curve as SVG to FILE")
    p.add_argument("--markdown", metavar="FILE", help="also write the figures as a Markdown table to FILE")
    p.add_argument("--cache", metavar="DIR", help="folder for the generated datasets (default: a temp folder)")
    p.add_argument("--from-json", metavar="FILE", help="measure nothing: print the table (and curve) of FILE")
    return parser


EXIT_DATABASE = 2


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module_name, function_name = _HANDLERS[args.command].split(":")
    handler = getattr(importlib.import_module(module_name), function_name)
    try:
        return int(handler(args) or 0)
    except Exception as exc:
        # A damaged database can fail any statement of any command, and a write can fail on a full
        # disk: a message for people, never a traceback. Other errors are bugs and stay tracebacks.
        from dashboard.store.db import failure_message

        message = failure_message(exc, args.lang)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return EXIT_DATABASE


if __name__ == "__main__":
    sys.exit(main())
