"""Messy variants of benchmark questions, as citizens really type them, made by rule from the
clean question so that nothing of the dataset is copied into the repository and every run
makes the same variants. Each question gets one variant, the kind chosen in turn:

- ``kana``: every word with kanji written in hiragana (its reading),
- ``spaced``: words separated by spaces, as typed on a phone with a space after each word,
- ``kansai``: Kansai endings (〜やけど, 〜へん, 〜なん？, 〜ねん, 〜てもうた),
- ``typo``: one character of the longest content word dropped,
- ``chatty``: a run-on opening and a blunt or over-polite ending around the question.
"""

from __future__ import annotations

import re

import jatext

KINDS = ("kana", "spaced", "kansai", "typo", "chatty")
_KANJI = re.compile(r"[\u3005\u4e00-\u9fff]")
_KANSAI = (
    (r"しました", "してもうた"),
    (r"ですか[？?。]?$", "なん？"),
    (r"ますか[？?。]?$", "るん？"),
    (r"ません", "へん"),
    (r"ですが", "やけど"),
    (r"ください[。]?$", "ほしいねん"),
    (r"たい(です)?[。]?$", "たいねんけど"),
    (r"です[。]?$", "や"),
)
_OPENINGS = ("すみません、ちょっと聞きたいんですけど、", "あの", "質問です。", "")
_ENDINGS = ("", "教えて", "よろしくお願いいたします。", "？？")


def _hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in katakana)


def kana(text: str) -> str:
    return "".join(
        _hiragana(m.reading) if m.reading and _KANJI.search(m.surface) else m.surface
        for m in jatext.tokenize(text)
    )


def spaced(text: str) -> str:
    return " ".join(m.surface for m in jatext.tokenize(text) if m.surface.strip())


def kansai(text: str) -> str:
    out = text
    for pattern, replacement in _KANSAI:
        out = re.sub(pattern, replacement, out)
    return out if out != text else text.rstrip("。？?") + "やねんけど"


def typo(text: str) -> str:
    words = [m for m in jatext.tokenize(text) if m.pos == "名詞" and len(m.surface) >= 2]
    if not words:
        return text
    word = max(words, key=lambda m: len(m.surface))
    cut = word.start + len(word.surface) // 2
    return text[:cut] + text[cut + 1 :]


def chatty(text: str, i: int) -> str:
    core = re.sub(r"(ですか|でしょうか|ください|ますか)?[。？?]*$", "", text)
    return _OPENINGS[i % len(_OPENINGS)] + core + _ENDINGS[i % len(_ENDINGS)]


def variant(text: str, i: int) -> tuple[str, str]:
    """(kind, messy text) for the i-th question."""
    kind = KINDS[i % len(KINDS)]
    if kind == "chatty":
        return kind, chatty(text, i // len(KINDS))
    return kind, {"kana": kana, "spaced": spaced, "kansai": kansai, "typo": typo}[kind](text)


def messy_queries(queries: dict[str, str]) -> dict[str, str]:
    return {qid: variant(text, i)[1] for i, (qid, text) in enumerate(sorted(queries.items()))}
