"""The benchmark command (dashboard/tools/bench.py): its machinery at a tiny size, and its arithmetic.

The real figures come from ``python -m dashboard bench`` (docs/performance.md);
this only checks that the command runs end to end and writes what it promises.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.tools import bench
from dashboard import cli
from dashboard.store.db import DB_ENV_VAR, Database

FIGURE_KEYS = {"scenario", "name", "trainees", "unit", "median", "p95", "floor", "ratio", "target", "met",
               "samples", "extra"}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, Path]:
    folder = tmp_path_factory.mktemp("bench")
    out, curve = folder / "bench.json", folder / "curve.svg"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DB_ENV_VAR, str(folder / "unused.duckdb"))  # the pages scenario points the app at its database
        code = cli.main(["bench", "--trainees", "30", "--runs", "1", "--skip-browser", "--out", str(out),
                         "--cache", str(folder / "cache"), "--curve", str(curve)])
    return code, json.loads(out.read_text(encoding="utf-8")), curve


def test_bench_writes_figures_for_every_scenario_without_the_browser(tiny_run) -> None:
    code, result, _ = tiny_run
    assert code == 0
    assert {"cores", "memory_bytes", "python", "duckdb", "streamlit"} <= set(result["machine"])
    assert result["machine"]["cores"] >= 1
    [dataset] = result["datasets"]
    assert dataset["trainees"] == 30 and dataset["relationships"] > 0
    figures = result["figures"]
    assert all(set(f) == FIGURE_KEYS for f in figures)
    assert {f["scenario"] for f in figures} == {"import", "analysis", "pages", "capture"}  # --skip-browser: no serve, no browser
    names = {f["name"] for f in figures}
    assert {"/ (school filter change)", "/signalen (school filter change)", "/vergelijken (school filter change)",
            "/constellatie (another trainee)", "signals (all trainees)", "coverage by school",
            "measures (one school)", "import (validated)", "signals from the rules (all trainees)",
            "attention (all trainees)", "signals (one school)", "attention (one school)",  # issue 17
            "suggest (one trainee)", "scenario leave (one mentor)",  # issue 13
            "capture save (one wave)",  # issue 12
            "compare (all schools)", "/vergelijken (management, all schools)",
            "/vastleggen (one field changed)",  # issue 15
            "derived refresh (every trainee, every wave)", "derived refresh (one trainee, last wave)",  # issue 15
            "what-if, werkplekbegeleider present only (all trainees)", "meeting report PDF (all trainees)",  # issue 14
            "what-if, werkplekbegeleider present only (one institute)",
            } == names
    for figure in figures:
        assert figure["trainees"] == 30 and figure["samples"] == 1
        assert figure["median"] > 0 and figure["p95"] >= figure["median"]
        assert figure["target"]
        if figure["name"].startswith("meeting report"):  # a typeset PDF: an absolute target, no SQL floor
            assert figure["floor"] is None and figure["extra"]["floor_kind"].startswith("none")
            continue
        assert figure["floor"] > 0
        assert math.isclose(figure["ratio"], figure["median"] / figure["floor"])
    [imported] = [f for f in figures if f["scenario"] == "import"]
    assert imported["extra"]["relationships"] == dataset["relationships"]
    assert math.isclose(imported["extra"]["relationships_per_s"], dataset["relationships"] / imported["median"])
    assert imported["met"] is None  # the import target is judged from 40,000 trainees up
    constellation = next(f for f in figures if f["name"].startswith("/constellatie"))
    assert constellation["met"] is (constellation["median"] < 0.150)
    for page in (f for f in figures if f["scenario"] == "pages"):
        # the old floor, kept beside the new: the rerun's own SQL replayed + an empty Streamlit rerun
        extra = page["extra"]
        assert extra["statements_per_rerun"] >= 1
        assert math.isclose(extra["replayed_floor_s"], extra["floor_sql_s"] + extra["floor_empty_rerun_s"])
        if page["name"].startswith(("/ (", "/constellatie")):  # issue 15: against the lean prototype page
            assert extra["floor_kind"] == "prototype page" and math.isclose(page["floor"], extra["prototype_s"])
        elif page["name"].startswith("/vergelijken (management"):
            assert math.isclose(page["floor"], extra["direct_sql_s"] + extra["floor_empty_rerun_s"])
        else:
            assert math.isclose(page["floor"], extra["replayed_floor_s"])
    for question in (f for f in figures if f["scenario"] == "analysis" and f["floor"] is not None):
        # issue 15: the floor is the direct SQL; the question's own SQL replayed is the second column
        assert question["extra"]["floor_kind"].startswith("direct SQL")
        if not question["name"].startswith("derived refresh"):  # a write: nothing to replay
            assert question["extra"]["replayed_sql_s"] > 0


def test_bench_curve_is_an_svg_with_a_line_per_measure(tiny_run) -> None:
    _, result, curve = tiny_run
    root = ET.fromstring(curve.read_text(encoding="utf-8"))
    assert root.tag.endswith("svg")
    lines = [e for e in root.iter() if e.tag.endswith("polyline")]
    timed = {(f["scenario"], f["name"]) for f in result["figures"] if f["unit"] == "s"}
    assert len(lines) == len(timed)


def test_from_json_prints_the_table_without_measuring(tiny_run, tmp_path: Path, capsys) -> None:
    _, result, _ = tiny_run
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(result), encoding="utf-8")
    assert cli.main(["bench", "--from-json", str(saved), "--curve", str(tmp_path / "c.svg"),
                     "--markdown", str(tmp_path / "t.md")]) == 0
    printed = capsys.readouterr().out
    assert "import (validated)" in printed and "verhouding" in printed
    assert (tmp_path / "c.svg").exists()
    markdown = (tmp_path / "t.md").read_text(encoding="utf-8").splitlines()
    assert markdown[0].startswith("| scenario | measure | trainees | median | p95 | floor | ratio | replayed |")
    assert "herhaald" in printed  # the replayed floor's column
    assert len(markdown) == 2 + len(result["figures"])


def test_curve_png_is_the_plotly_figure_rendered_by_chromium(tiny_run, tmp_path: Path) -> None:
    if not bench.CHROMIUM.exists():
        pytest.skip(f"{bench.CHROMIUM} is missing")
    _, result, _ = tiny_run
    figure = bench.curve_figure(result)
    assert figure.layout.xaxis.type == "log" and figure.layout.yaxis.type == "log"
    bench.write_curve(result, tmp_path / "curve.png")
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bench_refuses_sizes_below_one(capsys) -> None:
    assert cli.main(["bench", "--trainees", "0", "--skip-browser"]) == 2
    assert "1 of meer" in capsys.readouterr().err


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=50),
       st.floats(min_value=0, max_value=1))
def test_percentile_lies_between_the_extremes_and_grows_with_the_share(values: list[float], share: float) -> None:
    found = bench.percentile(values, share)
    assert min(values) <= found <= max(values)
    assert bench.percentile(values, 0) == min(values) and bench.percentile(values, 1) == max(values)
    assert bench.percentile(values, share) <= bench.percentile(values, min(1.0, share + 0.1)) + 1e-9


def test_percentile_by_hand() -> None:
    assert bench.percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert bench.percentile([10, 20], 0.95) == pytest.approx(19.5)


@given(st.lists(st.sampled_from("abcdef"), min_size=2, max_size=12).filter(lambda x: len(set(x)) >= 2),
       st.integers(0, 20), st.integers(1, 30), st.integers(1, 12))
def test_sequence_never_picks_the_same_option_twice_in_a_row(labels: list[str], start: int, count: int,
                                                              stride: int) -> None:
    chosen = bench._sequence(labels, start, count, stride)
    assert len(chosen) == count
    assert set(chosen) <= set(labels)
    assert all(a != b for a, b in zip(chosen, chosen[1:]))


def test_sequence_with_one_distinct_label_repeats_it() -> None:
    assert bench._sequence(["S01"], 3, 4, 2) == ["S01"] * 4
    assert bench._sequence([], 0, 2, 1) == []


@given(st.integers(1, 12), st.integers(1, 8), st.integers(0, 1000))
def test_think_pauses_stagger_the_start_and_stay_in_the_reading_range(sessions: int, count: int, seed: int) -> None:
    pauses = bench.think_pauses(sessions, count, seed)
    low, high = bench.THINK_TIME_S
    assert len(pauses) == sessions and all(len(p) == count for p in pauses)
    assert all(0 <= p[0] < high for p in pauses)  # the first change: somewhere in the first reading time
    assert all(low <= x <= high for p in pauses for x in p[1:])
    assert bench.think_pauses(sessions, count, seed) == pauses  # the same pauses on every run


def test_least_ratio_back_to_back_by_hand() -> None:
    # 10 sessions, 0.3 CPU-s a rerun, 2 cores: a rerun waits at least 10 * 0.3 / 2 = 1.5 s; single p95 0.25 s.
    assert bench.least_ratio_back_to_back(10, 0.3, 0.25, cores=2) == pytest.approx(6.0)
    assert bench.least_ratio_back_to_back(10, 0.3, 0.25, cores=8) == pytest.approx(1.5)
    assert bench.least_ratio_back_to_back(10, None, 0.25, cores=2) is None


def _figure(trainees: int, seconds: float) -> bench.Figure:
    return bench.Figure("pages", "/ (school filter change)", trainees, "s", seconds, seconds)


def test_growth_exponent_linear_and_quadratic() -> None:
    [linear] = bench.growth([_figure(1_000, 0.1), _figure(10_000, 1.0), _figure(100_000, 10.0)])
    assert linear["exponent"] == pytest.approx(1.0) and linear["met"]
    assert (linear["from"], linear["to"]) == (1_000, 100_000)
    assert linear["upper_from"] == 10_000 and linear["upper_exponent"] == pytest.approx(1.0)
    # Flat at first (fixed costs), then faster than linear at the top: the top step decides.
    [bent] = bench.growth([_figure(1_000, 1.0), _figure(10_000, 1.0), _figure(100_000, 20.0)])
    assert bent["exponent"] < 1 < bent["upper_exponent"] and not bent["met"]
    [quadratic] = bench.growth([_figure(1_000, 0.01), _figure(10_000, 1.0)])
    assert quadratic["exponent"] == pytest.approx(2.0) and not quadratic["met"]
    assert bench.growth([_figure(1_000, 0.1)]) == []  # one size: no curve


def test_recording_sql_notes_each_statement_and_replays_it() -> None:
    original = Database.cursor
    with Database.in_memory() as db:
        with bench.recording_sql() as log:
            counts = db.table_counts()
        assert Database.cursor is original  # restored after the block
        assert len(log) == 1 and "trainees" in counts
        assert bench.replay(db, log) > 0
