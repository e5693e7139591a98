"""Furigana segments: hiragana readings over kanji only, right for the words of city business,
with numbers, kana, Latin letters and names left as they are."""

from __future__ import annotations

import pytest

from jatext.ruby import Segment, ruby_segments, to_hiragana


def _reading(text: str) -> str:
    return "".join(s.ruby or s.text for s in ruby_segments(text))


@pytest.mark.parametrize(
    ("word", "reading"),
    [
        ("住民票", "じゅうみんひょう"),
        ("粗大ごみ", "そだいごみ"),
        ("市役所", "しやくしょ"),
        ("受付番号", "うけつけばんごう"),
        ("国民健康保険", "こくみんけんこうほけん"),
        ("転入届", "てんにゅうとどけ"),
        ("印鑑登録", "いんかんとうろく"),
    ],
)
def test_common_city_words_read_right(word: str, reading: str) -> None:
    assert _reading(word) == reading


def test_ruby_sits_over_kanji_only() -> None:
    assert ruby_segments("粗大ごみ") == [Segment("粗大", "そだい"), Segment("ごみ")]
    assert ruby_segments("住民票を取りたい") == [
        Segment("住民票", "じゅうみんひょう"),
        Segment("を"),
        Segment("取", "と"),  # okurigana stay outside the ruby
        Segment("りたい"),
    ]


def test_numbers_latin_kana_and_names_are_left_alone() -> None:
    text = "受付番号2026-0012は、LINEか06-1234-5678へ。田中さんまで"
    segments = ruby_segments(text)
    assert "".join(s.text for s in segments) == text  # nothing lost or added
    plain = "".join(s.text for s in segments if s.ruby is None)
    for kept in ("2026-0012", "LINE", "06-1234-5678", "田中さんまで"):
        assert kept in plain
    assert [s.ruby for s in segments if s.ruby] == ["うけつけばんごう"]


def test_line_breaks_and_spaces_survive() -> None:
    text = "市役所は 9時から。\n窓口へどうぞ"
    assert "".join(s.text for s in ruby_segments(text)) == text


def test_katakana_becomes_hiragana() -> None:
    assert to_hiragana("ジュウミンヒョウー・ABC") == "じゅうみんひょうー・ABC"
