"""The language of a short chat message: script rules first, Lingua for Latin-script text."""

from __future__ import annotations

import pytest

from api.nlp.language import _CHINESE_MARKERS, _SHARED_HAN, detect


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("粗大ごみの出し方", "ja"),  # kana
        ("ｺﾞﾐの日", "ja"),  # half-width katakana
        ("住民票", "ja"),  # Han only, nothing Chinese-only: a Japanese city word
        ("市役所", "ja"),
        ("国民健康保険", "ja"),
        ("大型垃圾怎么扔？", "zh"),  # simplified forms Japanese does not write
        ("請問市政府在哪裡", "zh"),  # traditional forms
        ("대형 쓰레기는 어떻게 버려요?", "ko"),
        ("市役所 어디예요", "ko"),  # hangul decides over Han
        ("How do I dispose of large garbage?", "en"),
        ("Where can I get 住民票?", "en"),  # an English sentence around a city word
        ("How to throw 粗大ごみ", "en"),
        ("Wi-Fiのパスワードを教えて", "ja"),
        ("PDFの申請書はどこ", "ja"),
        ("Vứt rác cỡ lớn như thế nào?", "vi"),
        ("cảm ơn", "vi"),  # two words, but letters only Vietnamese uses
    ],
)
def test_language_of_short_messages(text: str, language: str) -> None:
    assert detect(text) == language


@pytest.mark.parametrize("text", ["ok", "2026-0012", "👍", "ATM", "？", "  "])
def test_a_message_with_nothing_to_tell_has_no_language(text: str) -> None:
    assert detect(text) is None


def test_no_character_japanese_writes_marks_chinese() -> None:
    assert not (_CHINESE_MARKERS & _SHARED_HAN)
    for word in ("電話番号", "申請", "時間", "会議", "請求", "税金"):
        assert detect(word) == "ja"
