"""Citizen-facing texts by message id, from the gettext catalogs under locale/ (one .po per
locale and domain, read with Babel: no compile step). Domains: `madoguchi` (what the bot and
the server say) and `widget` (the chat widget's buttons, labels and status lines). `ja` is the
source language; a locale without a text for an id falls back to it. `ja-x-easy` (BCP 47
private use: no registered tag exists for it) is やさしい日本語, easy Japanese: a variant of
Japanese with its own texts, chosen by the widget's 「やさしい にほんご・ふりがな」 switch."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "madoguchi"
WIDGET_DOMAIN = "widget"
DOMAINS = (DOMAIN, WIDGET_DOMAIN)
SOURCE_LOCALE = "ja"
EASY_JAPANESE = "ja-x-easy"
PRIVATE_USE = "-x-"


def base_language(locale: str) -> str:
    """The language `locale` is a variant of (ja-x-easy → ja, en → en)."""
    return locale.split("-", 1)[0].lower()


def is_japanese(locale: str | None) -> bool:
    """Japanese or a variant of it (やさしい日本語): typed words, dashes and commas are Japanese."""
    return locale is not None and base_language(locale) == SOURCE_LOCALE


def locales(domain: str = DOMAIN) -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{domain}.po"))


def menu_locales(domain: str = DOMAIN) -> list[str]:
    """The locales of the language menu: a private-use variant (ja-x-easy) has a switch of its
    own rather than a place among the languages."""
    return [code for code in locales(domain) if PRIVATE_USE not in code]


@cache
def catalog(locale: str, domain: str = DOMAIN) -> dict[str, str]:
    """{message id: text} of one locale ({} for a locale with no catalog)."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        # Babel knows no private-use tags: the variant is read as its base language.
        messages = read_po(handle, locale=base_language(locale))
    return {str(m.id): str(m.string) for m in messages if m.id and m.string}


def translate(locale: str, message_id: str, **params: object) -> str:
    """The text of `message_id` in `locale` (else the source language), filled with params.
    An id no catalog has is a programming error: KeyError."""
    text = catalog(locale).get(message_id) or catalog(SOURCE_LOCALE)[message_id]
    return text.format(**params) if params else text
