"""Steps of long work (import, upload, export) as they happen, for a page or a terminal.

The exchange layer calls a ``Steps`` callback with a stage and its counts; the
page (``web/views/gegevens.py``, in an ``st.status``) and the command line
(only on a terminal, not when piped) turn them into text with ``describe``.
Nothing here knows about Streamlit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from dashboard.core.i18n import t, tn

# stage ("reading", "read", "checking", "writing", "done"), counts (files, rows, sessions) and names (source)
Steps = Callable[..., None]

_COUNTED = ("files", "sessions", "rows", "tables")


def _count(what: str, n: int, lang: str) -> str:
    return tn(f"progress.{what}", n, lang)


def describe(stage: str, lang: str = "nl", **values: object) -> str:
    """E.g. ``Gelezen: 3 bestanden, 1204 regels.``"""
    counted = [_count(what, int(values[what]), lang) for what in _COUNTED if what in values]
    return t(f"progress.{stage}", lang, what=", ".join(counted), source=values.get("source", ""))


def report(steps: Steps | None, stage: str, **values: object) -> None:
    if steps is not None:
        steps(stage, **values)


def terminal_steps(lang: str = "nl", stream=None) -> Steps | None:
    """Print each step on a terminal; None when the output is piped or redirected."""
    stream = stream or sys.stdout
    if not getattr(stream, "isatty", lambda: False)():
        return None

    def steps(stage: str, **values: object) -> None:
        print(describe(stage, lang, **values), file=stream, flush=True)

    return steps
