"""The meeting report (issue 14): an A4 PDF for the steering group, organised
by the four dialogue themes, for the trainees the filters name.

``python -m dashboard report --out FILE.pdf [filters] [--lang en]`` and the
download on the programme page both call :func:`build_report`:

* page 1: the view (filters, date, trainees, waves), the tiers and the patterns;
* one section per theme (``analysis.themes``, the same computation the page
  shows): per figure a table per group and for the whole view, a bar chart,
  and the theme's questions for the discussion;
* an appendix: each figure's definition in one line, and how to read "< k".

An aggregate document whoever makes it: every table is suppressed
(``analysis.themes`` applies ``privacy.suppression`` for every role), tier
counts between 1 and k-1 read "< k", and no person's name appears (patterns
name a role and a school, never a person). Every report made is audited.

Drawn with fpdf2 (pure Python, from PyPI; its own vector drawing, so no
browser, no plotting library and no network), with DejaVu Sans embedded from
Debian's fonts-dejavu-core (``FONT_DIR``), which covers every Dutch letter.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from fpdf import FPDF

from dashboard import analysis
from dashboard.analysis import Filters, Norm, themes, triage, what_if
from dashboard.core import domain
from dashboard.core.i18n import normalise_language, t, tn
from dashboard.privacy import audit, suppression
from dashboard.store.db import Database, DatabaseError, default_db_path, side_by_side

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
MAX_GROUPS = 25  # per grouping in a table: a national view has hundreds of schools; the dashboard has them all
TIERS = triage.TIERS
MAX_PATTERNS = 12  # the largest shares; a national view has hundreds (the overview lists them all)
_BAR = (52, 101, 164)
_GREY = (150, 150, 150)


class ReportError(RuntimeError):
    """The report cannot be made (no fonts); the message is in the user's language."""


# --- the figures behind the first page -------------------------------------------------


def tier_counts(db: Database, filters: Filters, norm, lang: str) -> dict[str, int]:
    """Trainees per tier (issue 17's triage)."""
    found = triage.triage(what_if.counting_handle(db), filters, norm, lang)
    counts = found["tier"].value_counts()
    return {tier: int(counts.get(tier, 0)) for tier in TIERS}


def pattern_messages(found: pd.DataFrame, k: int, hidden: set[tuple[str, str]] = frozenset()) -> list[str]:
    """The programme's patterns (issue 17's ``triage.patterns``) about a count of
    at least k trainees, leaving out the groups the theme tables hide
    (``hidden``: (grouping, id)): a pattern names its group's size, which the
    complementary rule hid."""
    keep = (found["n_trainees"] >= k) & (found["n_in_group"] >= k)
    keep &= pd.Series([(g, i) not in hidden for g, i in zip(found["group_by"], found["group_id"])],
                      index=found.index, dtype=bool)
    return [str(m) for m in found.loc[keep, "message"]]


def hidden_groups(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """(grouping, group id) of every suppressed group of the themes frame."""
    rows = frame[frame[suppression.SUPPRESSED].astype(bool)]
    return set(zip(rows["group_by"], rows["group_id"]))


def small_count(value: int | None, k: int, lang: str) -> str:
    """A count of trainees for an aggregate document: "< k" between 1 and k-1."""
    if value is None:
        return "–"
    return suppression.small_label(k, lang) if 0 < int(value) < k else f"{int(value):,}".replace(",", ".")


# --- formatting ------------------------------------------------------------------------


def view_lines(db: Database, filters: Filters, lang: str) -> list[tuple[str, str]]:
    """The filters of the view as (label, value), with school and institute names."""
    options = analysis.filter_options(db)
    names = {**dict(options["schools"]), **dict(options["institutes"])}
    lines = []
    for field in ("school", "institute", "cohort", "programme", "wave"):
        value = getattr(filters, field)
        if field == "wave":
            shown = t(f"analysis.wave.{value}", lang) if value else t("meeting_report.latest_wave", lang)
        else:
            shown = names.get(value, value) if value else t("meeting_report.all", lang)
        lines.append((t(f"meeting_report.filter.{field}", lang), str(shown)))
    return lines


# --- the document ----------------------------------------------------------------------


class _Document(FPDF):
    def __init__(self, lang: str, footer_text: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.footer_text = footer_text
        for style, name in FONT_FILES.items():
            path = FONT_DIR / name
            if not path.is_file():
                raise ReportError(t("meeting_report.no_font", lang, path=path))
            self.add_font("DejaVu", style, str(path))
        self.set_font("DejaVu", "", 9)
        self.set_auto_page_break(True, margin=15)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(*_GREY)
        self.cell(0, 4, f"{self.footer_text} · {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    # text
    def heading(self, text: str, size: int = 16) -> None:
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)
        self.set_font("DejaVu", "", 9)

    def paragraph(self, text: str, size: float = 9) -> None:
        self.set_font("DejaVu", "", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[str]], first_width: float = 50,
             count_width: float | None = 17) -> None:
        """A plain table of one-line cells (text only: names are never markup
        here); the second column (the number of trainees) narrow when
        ``count_width``. Drawn with cell(), not fpdf2's table(): a tenth of
        the time, which matters for a national view."""
        if not rows:
            return
        usable = self.w - self.l_margin - self.r_margin
        fixed = [first_width] + ([count_width] if count_width and len(header) > 2 else [])
        rest = (usable - sum(fixed)) / max(1, len(header) - len(fixed))
        widths = fixed + [rest] * (len(header) - len(fixed))
        size = 7 if len(header) > 6 else 7.5
        height = size * 0.55

        def draw_header() -> None:
            self.set_font("DejaVu", "B", size)
            self.set_fill_color(235, 238, 243)
            for i, (text, width) in enumerate(zip(header, widths)):
                self.cell(width, height + 0.6, self._fit(text, width), align="L" if i == 0 else "R", fill=True)
            self.ln(height + 0.6)
            self.set_font("DejaVu", "", size)

        if self.get_y() + 3 * height > self.h - self.b_margin:
            self.add_page()
        draw_header()
        self.set_draw_color(215, 215, 215)
        for values in rows:
            if self.get_y() + height > self.h - self.b_margin:
                self.add_page()
                draw_header()
            for i, (text, width) in enumerate(zip(values, widths)):
                self.cell(width, height, self._fit(str(text), width), border="B", align="L" if i == 0 else "R")
            self.ln(height)
        self.set_draw_color(0, 0, 0)
        self.set_fill_color(255, 255, 255)
        self.ln(2)
        self.set_font("DejaVu", "", 9)

    def bars(self, items: Sequence[tuple[str, float | None, str]], title: str = "") -> None:
        """A horizontal bar chart: (label, share 0..1 or value, text) per bar;
        a bar without a value (suppressed, no data) reads its text only."""
        if not items:
            return
        known = [v for _, v, _ in items if v is not None and not pd.isna(v)]
        top = max([1.0] + known) if any(v > 1 for v in known) else 1.0
        height, gap, label_width, bar_width = 3.6, 1.0, 58, 90
        needed = len(items) * (height + gap) + (5 if title else 0) + 2
        if self.get_y() + needed > self.h - self.b_margin:
            self.add_page()
        if title:
            self.set_font("DejaVu", "B", 8)
            self.cell(0, 4, title, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 7.5)
        x0 = self.l_margin
        for label, value, text in items:
            y = self.get_y()
            self.set_xy(x0, y)
            self.cell(label_width, height, self._fit(label, label_width), align="R")
            if value is not None and not pd.isna(value):
                self.set_fill_color(*_BAR)
                self.rect(x0 + label_width + 2, y + 0.4, max(0.3, bar_width * float(value) / top), height - 0.8, style="F")
            self.set_xy(x0 + label_width + 4 + (bar_width * float(value) / top if value is not None and not pd.isna(value) else 0), y)
            self.cell(20, height, text)
            self.set_y(y + height + gap)
        self.set_fill_color(255, 255, 255)  # fpdf2 tables fill with the current colour
        self.ln(2)
        self.set_font("DejaVu", "", 9)

    def _fit(self, text: str, width: float) -> str:
        """``text`` cut to ``width`` with an ellipsis. One measurement for the
        usual case; a long text is cut at the proportional length first, then
        shortened a character at a time (a national view has thousands of cells)."""
        full = self.get_string_width(text)
        if full <= width - 1:
            return text
        cut = max(1, int(len(text) * (width - 1) / full))
        text = text[:cut]
        while text and self.get_string_width(text + "…") > width - 1:
            text = text[:-1]
        return text + "…"


# --- the theme sections ----------------------------------------------------------------


def _theme_section(doc: _Document, frame: pd.DataFrame, theme: str, lang: str, taxonomy: pd.DataFrame) -> None:
    doc.add_page()
    doc.heading(t(f"themes.theme.{theme}", lang))
    doc.paragraph(t(f"themes.lead.{theme}", lang))
    for figure in themes.FIGURES[theme]:
        doc.heading(t(f"themes.figure.{figure}", lang), 11)
        categories = themes.table_categories(frame, figure)
        if not categories:
            doc.paragraph(t("themes.no_data", lang), 8)
        for category in categories:
            table = themes.figure_table(frame, figure, lang, taxonomy, category=category, max_groups=MAX_GROUPS)
            if figure in themes.TWO_LEVEL:
                doc.set_font("DejaVu", "B", 9)
                doc.cell(0, 5, table.title, new_x="LMARGIN", new_y="NEXT")
                doc.set_font("DejaVu", "", 9)
            if not table.rows:
                doc.paragraph(t("themes.no_data", lang), 8)
                continue
            doc.grid(table.header, table.rows, first_width=66 if len(table.header) <= 4 else 50)
            doc.bars(table.chart, t("themes.whole_view", lang) if len(table.header) > 3 else "")
    doc.heading(t("themes.questions", lang), 12)
    for i, question in enumerate(themes.questions(theme, lang), start=1):
        doc.paragraph(f"{i}. {question}", 10)


def build_report(
    db: Database, filters: Filters = Filters(), lang: str = "nl", norm: Norm | Mapping[str, Norm] | None = None,
    *, k: int | None = None, today: dt.date | None = None,
) -> bytes:
    """The meeting report as PDF bytes (A4). Writes nothing (the caller audits)."""
    lang = normalise_language(lang)
    k = suppression.effective_k(k)
    today = today or dt.date.today()
    # three independent questions side by side (DuckDB releases the GIL)
    frame, tier_found, pattern_found, taxonomy, summary = side_by_side(
        lambda: themes.themes(db, filters, norm, k),
        lambda: tier_counts(db, filters, norm, lang),
        lambda: triage.patterns(what_if.counting_handle(db), filters, norm, lang),
        lambda: analysis.functions(db),
        lambda: themes.view_summary(db, filters),
    )
    doc = _Document(lang, t("meeting_report.footer", lang, date=today.isoformat()))
    doc.set_title(t("meeting_report.title", lang))
    doc.set_creator("Constellatiemonitor")
    doc.add_page()
    doc.heading(t("meeting_report.title", lang), 18)
    doc.paragraph(t("meeting_report.subtitle", lang, date=today.strftime("%d-%m-%Y")))
    doc.heading(t("meeting_report.view", lang), 12)
    n_trainees = int(summary["n_trainees"].sum())
    waves = ", ".join(f"{t(f'analysis.wave.{w}', lang)}: {small_count(n, k, lang)}"
                      for w, n in zip(summary["wave"], summary["n_trainees"]))
    lines = [*view_lines(db, filters, lang),
             (t("meeting_report.date", lang), today.strftime("%d-%m-%Y")),
             (t("meeting_report.n_trainees", lang), small_count(n_trainees, k, lang)),
             (t("meeting_report.waves", lang), waves or "–")]
    doc.grid([t("meeting_report.what", lang), ""], [[a, b] for a, b in lines], first_width=55, count_width=None)
    doc.heading(t("meeting_report.tiers", lang), 12)
    counts = tier_found
    if n_trainees and n_trainees < k:
        doc.paragraph(t("meeting_report.too_few", lang, k=k))
    else:
        doc.bars([(t(f"triage.tier.{tier}", lang), counts[tier] if counts[tier] >= k or counts[tier] == 0 else None,
                   small_count(counts[tier], k, lang)) for tier in TIERS])
    doc.heading(t("meeting_report.patterns", lang), 12)
    patterns = pattern_messages(pattern_found, k, hidden_groups(frame)) if n_trainees >= k else []
    for message in patterns[:MAX_PATTERNS]:
        doc.paragraph(f"• {message}")
    if len(patterns) > MAX_PATTERNS:
        doc.paragraph(tn("meeting_report.more_patterns", len(patterns) - MAX_PATTERNS, lang))
    if not patterns:
        doc.paragraph(t("meeting_report.no_patterns", lang))
    doc.paragraph(t("meeting_report.intro", lang, k=k), 8)
    for theme in themes.THEMES:
        _theme_section(doc, frame, theme, lang, taxonomy)
    doc.add_page()
    doc.heading(t("meeting_report.appendix", lang))
    doc.heading(t("meeting_report.definitions", lang), 12)
    for theme in themes.THEMES:
        for figure in themes.FIGURES[theme]:
            doc.paragraph(f"{t(f'themes.figure.{figure}', lang)}: {t(f'themes.definition.{figure}', lang)}", 8.5)
    doc.heading(t("meeting_report.suppression", lang), 12)
    doc.paragraph(t("meeting_report.suppression_text", lang, k=k), 8.5)
    return bytes(doc.output())


# --- command line ------------------------------------------------------------------------


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(school=args.school, institute=args.institute, cohort=args.cohort,
                   programme=args.programme, wave=args.wave)


def command_report(args: argparse.Namespace) -> int:
    """``report --out FILE.pdf [filters] [--lang en]``: write the meeting report, audit it."""
    lang = normalise_language(getattr(args, "lang", "nl"))
    path = Path(args.db) if getattr(args, "db", None) else default_db_path()
    if not path.is_file():
        print(t("report.db_missing", lang, path=path), file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        print(t("meeting_report.not_pdf", lang, path=out), file=sys.stderr)
        return 2
    try:
        with Database(path) as db:
            filters = _filters(args)
            data = build_report(db, filters, lang)
            out.write_bytes(data)
            in_view = {name: value for name, value in vars(filters).items() if value is not None}
            audit.record(db, audit.ACTOR_CLI, None, "report", None,
                         {"what": out.name, "filters": in_view, "lang": lang})
    except ReportError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (DatabaseError, OSError) as exc:
        print(t("report.db_error", lang, path=path, reason=exc), file=sys.stderr)
        return 2
    print(t("meeting_report.written", lang, path=out))
    return 0
