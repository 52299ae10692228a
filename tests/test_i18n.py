"""The locale files stay in step: same keys, same placeholders, every used key exists."""

from __future__ import annotations

import ast
import string

import pytest

from dashboard.core import i18n
from dashboard.store.db import PROJECT_ROOT
from dashboard.core.locales import en, nl


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_nl_and_en_have_the_same_keys():
    assert sorted(set(nl.TEXTS) - set(en.TEXTS)) == []
    assert sorted(set(en.TEXTS) - set(nl.TEXTS)) == []


@pytest.mark.parametrize("key", sorted(nl.TEXTS))
def test_placeholders_match(key):
    assert _placeholders(nl.TEXTS[key]) == _placeholders(en.TEXTS.get(key, "")), key


def test_no_text_is_empty():
    assert [key for key, text in {**nl.TEXTS, **en.TEXTS}.items() if not text.strip()] == []


def test_keys_are_dotted():
    assert [key for key in nl.TEXTS if "." not in key or key != key.strip()] == []


def _literal_keys_used() -> dict[str, str]:
    """Every ``t("literal.key", ...)`` in the package: key -> file."""
    used = {}
    for path in (PROJECT_ROOT / "dashboard").rglob("*.py"):
        if "locales" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and (getattr(node.func, "id", None) == "t" or getattr(node.func, "attr", None) == "t")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                used[node.args[0].value] = str(path.relative_to(PROJECT_ROOT))
    return used


def test_every_key_used_in_the_code_exists():
    missing = {key: file for key, file in _literal_keys_used().items() if key not in nl.TEXTS}
    assert missing == {}


def test_t_fills_placeholders_and_falls_back():
    assert i18n.t("filters.unknown_value", "en", filter="School", value="X") == (
        "The link contains an unknown value for School: X. It was ignored."
    )
    assert i18n.t("nav.data", "fr") == "Gegevens"  # unknown language: Dutch
    assert i18n.t("no.such.key", "en") == "no.such.key"
