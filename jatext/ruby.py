"""Furigana: readings in hiragana over the kanji of a Japanese text, from UniDic's readings.

Only kanji get a reading: kana, numbers, Latin letters and symbols are left as they are, and so
are proper nouns (names of people and places), whose dictionary readings are often not the
ones the person or the city uses. Okurigana stay outside the ruby (取り → 取[と]り), and
neighbouring kanji words join into one ruby (市+役所 → 市役所[しやくしょ]) so a compound
reads as the citizen knows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jatext.tokenize import Morpheme, tokenize

_KANJI = re.compile(r"[\u3005\u3006\u30f6\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANJI_RUN = re.compile(r"([\u3005\u3006\u30f6\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")


@dataclass(frozen=True)
class Segment:
    text: str  # exactly a slice of the original text
    ruby: str | None = None  # its reading in hiragana; None: shown as it is


def to_hiragana(kana: str) -> str:
    """Katakana → hiragana (ァ–ヶ); the long-vowel mark and everything else unchanged."""
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)


def _has_kanji(text: str) -> bool:
    return _KANJI.search(text) is not None


def _split(surface: str, reading: str) -> list[Segment]:
    """The morpheme's surface in pieces, kanji runs with their part of the reading: the kana
    between the runs anchor the match (取り/トリ → 取[ト]り). No match: one ruby for all."""
    pieces = _KANJI_RUN.split(surface)
    pattern = "".join(
        "(.+?)" if index % 2 else re.escape(to_hiragana(piece))
        for index, piece in enumerate(pieces)
    )
    match = re.fullmatch(pattern, to_hiragana(reading))
    if match is None:
        return [Segment(surface, to_hiragana(reading))]
    readings = iter(match.groups())
    return [
        Segment(piece, next(readings) if index % 2 else None)
        for index, piece in enumerate(pieces)
        if piece
    ]


def _segments_of(morpheme: Morpheme) -> list[Segment]:
    if not _has_kanji(morpheme.surface) or not morpheme.reading or morpheme.pos2 == "固有名詞":
        return [Segment(morpheme.surface)]
    return _split(morpheme.surface, morpheme.reading)


def _join(segments: list[Segment]) -> list[Segment]:
    """Neighbouring plain pieces become one; neighbouring kanji rubies become one compound."""
    joined: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if joined and segment.ruby is None and joined[-1].ruby is None:
            joined[-1] = Segment(joined[-1].text + segment.text)
        elif joined and segment.ruby is not None and joined[-1].ruby is not None:
            last = joined[-1]
            joined[-1] = Segment(last.text + segment.text, last.ruby + segment.ruby)
        else:
            joined.append(segment)
    return joined


def ruby_segments(text: str) -> list[Segment]:
    """The whole text as segments (their texts concatenate back to `text`), with readings."""
    segments: list[Segment] = []
    position = 0
    for morpheme in tokenize(text):
        if morpheme.start > position:  # spaces and line breaks between words
            segments.append(Segment(text[position : morpheme.start]))
        segments.extend(_segments_of(morpheme))
        position = morpheme.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return _join(segments)
