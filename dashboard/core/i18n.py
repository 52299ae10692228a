"""User-facing text: Dutch by default, English on request.

All text lives in ``dashboard/core/locales/nl.py`` and ``dashboard/core/locales/en.py``
(one dictionary per language, with the same keys; a test checks that they
stay in step). Keys are dotted: ``<area>.<name>``. Placeholders use
``str.format`` names.
"""

from __future__ import annotations

from dashboard.core.locales import en, nl

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
_TEXTS: dict[str, dict[str, str]] = {"nl": nl.TEXTS, "en": en.TEXTS}


def normalise_language(lang: str | None) -> str:
    return lang if lang in _TEXTS else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``values`` filled in.

    Falls back to Dutch, then to the key itself, so a missing text never
    breaks a page (the test suite fails on it instead).
    """
    texts = _TEXTS[normalise_language(lang)]
    template = texts.get(key) or nl.TEXTS.get(key) or key
    return template.format(**values) if values else template


def tn(key: str, n: int, lang: str | None = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The singular or plural text for a count: ``<key>.one`` when ``n`` is 1,
    else ``<key>.other`` ("1 student", "2 studenten"; Dutch and English both
    use the singular for exactly one)."""
    return t(f"{key}.{'one' if n == 1 else 'other'}", lang, n=n, **values)
