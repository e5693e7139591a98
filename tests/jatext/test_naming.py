"""The text helpers the bot and the FAQ search share: a wording's letters, and whether a text
only names something."""

from __future__ import annotations

import jatext


def test_letters_ignore_width_case_spaces_and_punctuation() -> None:
    assert jatext.letters("市役所は何時まで？") == jatext.letters("市役所は 何時まで")
    assert jatext.letters("ＯＫ！") == "ok"
    assert jatext.letters("しやくしょ　何時から") == "しやくしょ何時から"
    assert jatext.letters("、。！？") == ""


def test_names_only() -> None:
    assert jatext.names_only("マイナンバーカード")
    assert jatext.names_only("ピアノ")
    assert jatext.names_only("児童手当？")
    assert not jatext.names_only("ピアノを処分したい")
    assert not jatext.names_only("こんにちは")
    assert not jatext.names_only("")
