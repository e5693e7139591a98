"""English words as the bot and the English FAQ search compare them."""

from __future__ import annotations

import pytest

from jatext.english import lemma, words


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Streetlights", "streetlight"),
        ("batteries", "battery"),
        ("boxes", "box"),
        ("glasses", "glass"),
        ("city's", "city"),
        ("City’s", "city"),
        ("can't", "can't"),
        ("does", "does"),
        ("bus", "bus"),
        ("news", "news"),
        ("address", "address"),
        ("garbage", "garbage"),
    ],
)
def test_lemma(word: str, expected: str) -> None:
    assert lemma(word) == expected


def test_words_keep_order_and_digits() -> None:
    assert words("Case 2026-000123: Potholes!") == ["case", "2026", "000123", "pothole"]
