"""Command-line step 6 and the scenario "a mentor leaves":
``suggest --trainee ID`` and ``scenario leave PERSON_ID``.

The field names are a contract (scripts read them):
``suggest``: trainee_id, function, person_id, name, role, rank, reason;
``scenario leave``: trainee_id, function, level_before, level_after,
tier_before, tier_after (empty when not on the list), candidates (person
ids, best first). Output as ``report.write_frame`` gives it.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from dashboard.analysis import scenarios, suggestions
from dashboard.core.i18n import t
from dashboard.store.db import Database
from dashboard.tools.report import EXIT_USAGE, _filters, _report

SUGGEST_COLUMNS: tuple[str, ...] = ("trainee_id", "function", "person_id", "name", "role", "rank", "reason")
SCENARIO_COLUMNS: tuple[str, ...] = (
    "trainee_id", "function", "level_before", "level_after", "tier_before", "tier_after", "candidates",
)


def parse_caps(raw: list[str] | None) -> dict[str, int] | None:
    """``--cap werkplekbegeleider=4 --cap '*=30'`` -> {role: cap}; None when one is not ROLE=N (N >= 1)."""
    caps: dict[str, int] = {}
    for item in raw or []:
        role, _, number = str(item).partition("=")
        try:
            value = int(number)
        except ValueError:
            return None
        if not role or value < 1:
            return None
        caps[role.strip()] = value
    return caps


def _caps_or_complain(args: argparse.Namespace) -> tuple[bool, dict[str, int] | None]:
    caps = parse_caps(getattr(args, "cap", None))
    if caps is None:
        print(t("suggestions.bad_cap", getattr(args, "lang", "nl"), value=" ".join(args.cap or [])), file=sys.stderr)
        return False, None
    return True, caps


def command_suggest(args: argparse.Namespace) -> int:
    """Candidates for every open function of one trainee, best first."""
    ok, caps = _caps_or_complain(args)
    if not ok:
        return EXIT_USAGE
    lang = getattr(args, "lang", "nl")

    def ask(db: Database) -> pd.DataFrame:
        found = suggestions.candidates(db, args.trainee, getattr(args, "wave", None), lang, caps)
        return found[list(SUGGEST_COLUMNS)]

    return _report(args, ask)


def command_scenario(args: argparse.Namespace) -> int:
    """``scenario leave PERSON_ID``: who loses what, tiers before and after, who could take over."""
    ok, caps = _caps_or_complain(args)
    if not ok:
        return EXIT_USAGE
    lang = getattr(args, "lang", "nl")

    def ask(db: Database) -> pd.DataFrame:
        found = scenarios.leave(db, args.person_id, _filters(args), lang=lang, caps=caps)["changes"]
        return found[list(SCENARIO_COLUMNS)]

    return _report(args, ask)
