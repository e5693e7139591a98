"""Every locale's gettext catalog has every message, with the same placeholders."""

from __future__ import annotations

import string

from api.i18n import SOURCE_LOCALE, catalog, locales


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_catalog_has_every_key() -> None:
    assert {"ja", "en"} <= set(locales())
    every = set().union(*(catalog(locale) for locale in locales()))
    for locale in locales():
        assert set(catalog(locale)) == every, locale
        for key, text in catalog(locale).items():
            assert _placeholders(text) == _placeholders(catalog(SOURCE_LOCALE)[key]), key
