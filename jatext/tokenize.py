"""Japanese tokenization with fugashi + unidic-lite, offsets into the original text.

Lemmas come from UniDic's ``lemma`` column (not ``orthBase``) because it unifies spelling
variants (表記ゆれ): ごみ / ゴミ / 塵 → 塵, 子ども / こども → 子供, 申込 / 申し込み →
申し込み, ください → 下さる. The lemma is therefore not always how the user wrote the word
(ゴミ's lemma is the kanji 塵); compare lemmas with lemmas, never with surfaces. UniDic
appends a disambiguation suffix to some lemmas (ガス-gas, パソコン-personal computer,
円-助数詞), which we drop. Unknown words (Latin words, numbers, emoji) have no lemma and use
the normalized surface (ＡＢＣ → abc), and so do symbols, whose UniDic lemmas are only
full-width spellings plus a few oddities (～ → ￣).
"""

from __future__ import annotations

import csv
import os
import shlex
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import fugashi
import unidic_lite

from jatext.align import Alignment, align
from jatext.normalize import normalize


@dataclass(frozen=True)
class Morpheme:
    surface: str  # exactly text[start:end] of the ORIGINAL text
    start: int
    end: int
    lemma: str  # dictionary form, NFKC + lower case (falls back to the normalized surface)
    pos: str  # UniDic pos1: 名詞, 動詞, 助詞, 補助記号 …
    pos2: str  # UniDic pos2: 普通名詞, 固有名詞 … ("*" when UniDic has none)
    reading: str | None


class _Node(NamedTuple):
    """What we keep of a MeCab node: plain data, read while holding the tagger lock."""

    start: int  # offsets into Alignment.analysed
    end: int
    is_unk: bool
    lemma: str | None  # UniDic lemma without its "-gloss" suffix
    pos: str
    pos2: str
    reading: str | None


_tagger: fugashi.Tagger | None = None
_tagger_lock = threading.Lock()  # guards creation and parsing: a MeCab tagger is not reentrant


def get_tagger() -> fugashi.Tagger:
    """The process-wide tagger, created on first use.

    The dictionary is pinned to unidic-lite: a bare ``fugashi.Tagger()`` would prefer the full
    ``unidic`` package if one got installed, and the bot and the search must agree.
    """
    global _tagger
    if _tagger is None:
        with _tagger_lock:
            if _tagger is None:
                dicdir = unidic_lite.DICDIR
                rc = os.path.join(dicdir, "mecabrc")
                _tagger = fugashi.Tagger(f"-d {shlex.quote(dicdir)} -r {shlex.quote(rc)}")
    return _tagger


# unidic-lite's 26 feature columns (fugashi.UnidicFeatures26); unknown words have only 6.
_POS1, _POS2, _LEMMA, _PRON, _KANA = 0, 1, 7, 9, 17


def _columns(raw: str) -> list[str]:
    # UniDic quotes a column only when it contains a comma (the entries for "," itself).
    return next(csv.reader([raw])) if '"' in raw else raw.split(",")


def _column(columns: list[str], index: int) -> str | None:
    """A column, or None where UniDic has none ("*"), it is empty, or the word is unknown."""
    value = columns[index] if index < len(columns) else ""
    return None if value in ("", "*") else value


def _strip_gloss(lemma: str | None) -> str | None:
    """Drop UniDic's disambiguation suffix: ガス-gas → ガス, 円-助数詞 → 円.

    The suffix starts at the first ASCII hyphen; a lemma that starts with "-" has none.
    """
    if lemma is None:
        return None
    head, _, _ = lemma.partition("-")
    return head or lemma


# MeCab's unknown-word grouping rescans a run of same-class characters from every position
# in it, so one 70,000-character run of "a" takes ~8 s. MeCab therefore reads at most this
# many characters at a time, cut at a space (every blank is one by now) where possible.
_CHUNK = 2000


def _chunks(analysed: str) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering ``analysed``; short texts are a single piece."""
    start, n = 0, len(analysed)
    while n - start > _CHUNK:
        cut = analysed.rfind(" ", start + _CHUNK // 2, start + _CHUNK)
        if cut < 0:
            cut = start + _CHUNK  # no space: a word may be split at the cut
        yield start, analysed[start:cut]
        start = cut
    yield start, analysed[start:]


def _parse(analysed: str) -> list[_Node]:
    tagger = get_tagger()
    nodes: list[_Node] = []
    for offset, chunk in _chunks(analysed):
        with _tagger_lock:
            position = 0
            for word in tagger(chunk):
                surface = word.surface
                start = position + len(word.white_space)
                if not surface or not chunk.startswith(surface, start):
                    # Not expected: MeCab only skips ASCII spaces. Search forward, not back.
                    start = chunk.find(surface, position) if surface else -1
                    if start < 0:
                        raise RuntimeError(f"cannot place MeCab token {surface!r} at {position}")
                position = start + len(surface)
                columns = _columns(word.feature_raw)
                nodes.append(
                    _Node(
                        offset + start,
                        offset + position,
                        word.is_unk,
                        _strip_gloss(_column(columns, _LEMMA)),
                        columns[_POS1],
                        _column(columns, _POS2) or "*",
                        _column(columns, _KANA) or _column(columns, _PRON),
                    )
                )
    return nodes


def _is_symbol_run(node: _Node, analysed: str) -> bool:
    """An unknown run of symbols or punctuation: MeCab groups 😱😱, 👍🏽👨 or ,"「」 into one
    token, while we want one token per emoji or mark."""
    if not node.is_unk:
        return False
    for ch in analysed[node.start : node.end]:
        category = unicodedata.category(ch)
        if category[0] not in "PS" and category not in ("Mn", "Me"):
            return False
    return True


@dataclass
class _Group:
    """MeCab nodes (or pieces of one) covering the whole original clusters first..last."""

    first: int
    last: int
    nodes: list[_Node]
    whole: bool  # every node is a complete MeCab token, not a cut piece


def _pieces(nodes: list[_Node], alignment: Alignment) -> list[_Group]:
    """One piece per node, except that unknown symbol runs are cut between clusters."""
    cluster_of = alignment.cluster_of
    pieces: list[_Group] = []
    for node in nodes:
        first, last = cluster_of[node.start], cluster_of[node.end - 1]
        if first == last or not _is_symbol_run(node, alignment.analysed):
            pieces.append(_Group(first, last, [node], whole=True))
        else:
            pieces.extend(_Group(c, c, [node], whole=False) for c in range(first, last + 1))
    return pieces


def _merge(pieces: list[_Group]) -> list[_Group]:
    """Merge pieces that share an original cluster (株式 + 会社 from one ㍿, the parts of
    👨‍👩‍👧), so that no offset falls inside a character of the original text."""
    groups: list[_Group] = []
    for piece in pieces:
        if groups and piece.first <= groups[-1].last:
            previous = groups[-1]
            previous.last = max(previous.last, piece.last)
            previous.nodes.extend(piece.nodes)
            previous.whole = previous.whole and piece.whole
        else:
            groups.append(piece)
    return groups


_SYMBOL_POS = frozenset(("補助記号", "記号", "空白"))
_normalize_lemma = lru_cache(maxsize=65536)(normalize)  # lemmas repeat a lot


def _morpheme(text: str, group: _Group, alignment: Alignment) -> Morpheme:
    start, end = alignment.original_span(group.first, group.last)
    surface = text[start:end]
    head = group.nodes[0]  # a cluster's base character comes first
    lemma = ""
    # Symbols keep their own form: UniDic's symbol lemmas add nothing but oddities (～ → ￣).
    if group.whole and len(group.nodes) == 1 and head.lemma and head.pos not in _SYMBOL_POS:
        lemma = _normalize_lemma(head.lemma)
    readings = [node.reading or "" for node in group.nodes]
    # A merged reading is only known when every part has one (㍿ → カブシキ + カイシャ).
    reading = "".join(readings) if group.whole and all(readings) else None
    return Morpheme(
        surface=surface,
        start=start,
        end=end,
        lemma=lemma or normalize(surface) or surface,
        pos=head.pos,
        pos2=head.pos2,
        reading=reading,
    )


def tokenize(text: str) -> list[Morpheme]:
    """Split ``text`` into morphemes; whitespace and invisible characters are never tokens.

    MeCab reads the NFKC form (per grapheme cluster) while every Morpheme's start/end and
    surface refer to ``text`` itself: ``surface == text[start:end]``.
    """
    if not text or text.isspace():
        return []
    alignment = align(text)
    if alignment.analysed.isspace():
        return []  # only controls and format characters: MeCab would see nothing
    groups = _merge(_pieces(_parse(alignment.analysed), alignment))
    return [_morpheme(text, group, alignment) for group in groups]
