"""Grapheme clusters and the map between the original text and what MeCab reads.

MeCab analyses NFKC text better (half-width ｶﾞｽ is an unknown word, ガス is in the
dictionary), but NFKC changes lengths (ｶﾞ → ガ, ㍿ → 株式会社). We therefore normalize each
grapheme cluster of the original on its own and remember which cluster every character of
the normalized text came from; a MeCab token then maps back to whole original clusters.
"""

import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache


class _Kind(IntEnum):
    OTHER = 0
    BLANK = 1  # whitespace, controls, invisible format characters: never part of a token
    EXTEND = 2  # belongs to the cluster before it
    ZWJ = 3  # extends, and glues the next pictograph on too
    REGIONAL = 4  # flag halves, paired
    PICTOGRAPH = 5
    HANGUL = 6
    HANGUL_VT = 7  # conjoining vowel / final jamo: extends a Hangul cluster


@lru_cache(maxsize=16384)
def _kind(ch: str) -> _Kind:
    cp = ord(ch)
    category = unicodedata.category(ch)
    if cp == 0x200D:
        return _Kind.ZWJ
    if (
        category in ("Mn", "Me", "Mc")  # combining marks, variation selectors, keycap
        or 0xFF9E <= cp <= 0xFF9F  # half-width ﾞﾟ are Lm, yet modify the kana before them
        or 0x1F3FB <= cp <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= cp <= 0xE007F  # emoji tag sequences (subdivision flags)
    ):
        return _Kind.EXTEND
    if ch.isspace() or category in ("Cc", "Cf"):
        return _Kind.BLANK
    if 0x1F1E6 <= cp <= 0x1F1FF:
        return _Kind.REGIONAL
    if 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:
        return _Kind.HANGUL_VT
    if 0x1100 <= cp <= 0x115F or 0xAC00 <= cp <= 0xD7A3:
        return _Kind.HANGUL
    if category == "So" or 0x1F000 <= cp <= 0x1FAFF:
        return _Kind.PICTOGRAPH
    return _Kind.OTHER


def grapheme_clusters(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into (start, end) spans of user-perceived characters.

    A pragmatic subset of UAX #29: base + combining marks, half-width voiced marks, emoji
    modifiers, ZWJ sequences, flag pairs and conjoining Hangul jamo. Blank characters always
    stand alone, so that a mark after a space cannot make the space part of a token.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    while i < n:
        kind = _kind(text[i])
        j = i + 1
        if kind is not _Kind.BLANK:
            if kind is _Kind.REGIONAL and j < n and _kind(text[j]) is _Kind.REGIONAL:
                j += 1
            # Nothing below U+0300 extends a cluster: cheap exit for ASCII and Latin-1.
            while j < n and text[j] >= "\u0300":
                following = _kind(text[j])
                if following is _Kind.EXTEND:
                    j += 1
                elif following is _Kind.ZWJ:
                    j += 1
                    if j < n and _kind(text[j]) is _Kind.PICTOGRAPH:
                        j += 1
                elif following is _Kind.HANGUL_VT and _kind(text[j - 1]) in (
                    _Kind.HANGUL,
                    _Kind.HANGUL_VT,
                ):
                    j += 1
                else:
                    break
        spans.append((i, j))
        i = j
    return spans


def _for_mecab(cluster: str) -> str:
    """The NFKC form of a cluster, made safe for MeCab.

    Unicode spaces, controls and format characters (ZWJ, BOM, tags) become ASCII spaces,
    which MeCab skips; this also keeps NUL from cutting MeCab's C string short. Lone
    surrogates cannot be encoded as UTF-8 and become U+FFFD.
    """
    piece = unicodedata.normalize("NFKC", cluster)
    if piece.isprintable():
        return piece
    out = []
    for ch in piece:
        category = unicodedata.category(ch)
        if category in ("Zs", "Zl", "Zp", "Cc", "Cf"):
            out.append(" ")
        elif category == "Cs":
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out) or " "


_for_mecab_char = lru_cache(maxsize=16384)(_for_mecab)  # most clusters are one character


@dataclass(frozen=True)
class Alignment:
    """The text MeCab reads and how it maps back to the original."""

    analysed: str  # NFKC per cluster; blanks replaced by ASCII spaces
    clusters: list[tuple[int, int]]  # original (start, end) of every cluster
    cluster_of: list[int]  # for each index of `analysed`, the index of its cluster

    def original_span(self, first_cluster: int, last_cluster: int) -> tuple[int, int]:
        return self.clusters[first_cluster][0], self.clusters[last_cluster][1]


def align(text: str) -> Alignment:
    """Normalize ``text`` cluster by cluster for MeCab, recording where each piece came from."""
    clusters = grapheme_clusters(text)
    pieces: list[str] = []
    cluster_of: list[int] = []
    for index, (start, end) in enumerate(clusters):
        cluster = text[start:end]
        piece = _for_mecab_char(cluster) if end - start == 1 else _for_mecab(cluster)
        pieces.append(piece)
        if len(piece) == 1:
            cluster_of.append(index)
        else:
            cluster_of.extend([index] * len(piece))
    return Alignment("".join(pieces), clusters, cluster_of)
