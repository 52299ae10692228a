"""The browser-test harness itself: when it skips, when it fails, what it ignores."""

from __future__ import annotations

import pytest

from tests.e2e import harness


def test_missing_chromium_skips_outside_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(harness, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        harness.require_chromium()


def test_missing_chromium_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(harness, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="is missing"):
        harness.require_chromium()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8501/gegevens/_stcore/host-config", True),
        ("http://127.0.0.1:8501/signalen/_stcore/health", True),
        ("http://127.0.0.1:8501/_stcore/health", False),  # the real endpoint failing is an error
        ("http://127.0.0.1:8501/gegevens/_stcore/stream", False),
        ("http://127.0.0.1:8501/media/abc.png", False),
    ],
)
def test_only_streamlits_base_path_probes_are_ignored(url, expected):
    assert harness.AppBrowser._expected_probe(url) is expected
