"""Every locale's gettext catalog has every message, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from api.i18n import DOMAINS, SOURCE_LOCALE, catalog, locales


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_catalog_has_every_key(domain: str) -> None:
    assert {"ja", "en"} <= set(locales(domain))
    every = set().union(*(catalog(locale, domain) for locale in locales(domain)))
    for locale in locales(domain):
        assert set(catalog(locale, domain)) == every, locale
        for key, text in catalog(locale, domain).items():
            source = catalog(SOURCE_LOCALE, domain)[key]
            assert _placeholders(text) == _placeholders(source), key


def test_every_locale_has_every_domain() -> None:
    assert len({tuple(locales(domain)) for domain in DOMAINS}) == 1
