"""Every locale's gettext catalog has every message, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from api.i18n import DOMAINS, EASY_JAPANESE, SOURCE_LOCALE, catalog, locales


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_catalog_has_every_key(domain: str) -> None:
    assert {"ja", "en", EASY_JAPANESE} <= set(locales(domain))
    every = set().union(*(catalog(locale, domain) for locale in locales(domain)))
    for locale in locales(domain):
        assert set(catalog(locale, domain)) == every, locale
        for key, text in catalog(locale, domain).items():
            source = catalog(SOURCE_LOCALE, domain)[key]
            assert _placeholders(text) == _placeholders(source), key


def test_every_locale_has_every_domain() -> None:
    assert len({tuple(locales(domain)) for domain in DOMAINS}) == 1


# 尊敬語・謙譲語 chains and stiff set phrases that やさしい日本語 (ja-x-easy) leaves out.
_NOT_EASY = ("いただ", "恐れ入", "申し訳", "でしょうか", "ご用件", "お問い合わせ", "承知")


@pytest.mark.parametrize("domain", DOMAINS)
def test_easy_japanese_is_complete_and_plain(domain: str) -> None:
    easy = catalog(EASY_JAPANESE, domain)
    source = catalog(SOURCE_LOCALE, domain)
    assert set(easy) == set(source)
    for key, text in easy.items():
        assert _placeholders(text) == _placeholders(source[key]), key
        assert not [word for word in _NOT_EASY if word in text], key
