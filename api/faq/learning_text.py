"""What a citizen's question must be to become a learned phrasing of an entry, and the key
that tells two phrasings apart: the content words the search matches wordings on."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from api.faq.search import FaqIndex
from api.nlp.masking import PLACEHOLDERS

# Real citizen questions are short: of the 222 Amagasaki dev questions, 99 % have at most 67
# characters (the longest 77). A longer message tells a story, not a way of asking.
MAX_PHRASING_CHARS = 100
# What masking left in place of personal data (［氏名］, ［電話番号］ …) is not part of how
# people ask: dropped, so that 「［氏名］です。夜道が暗い」 teaches the same as 「夜道が暗い」.
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))


class Rejection(str, enum.Enum):
    empty = "empty"  # no content word: nothing to match on
    too_long = "too_long"
    vague = "vague"  # one word several entries share (手続き): the search asks which anyway
    own_wording = "own_wording"  # an entry's own question or listed alternative already


@dataclass(frozen=True)
class Phrasing:
    text: str
    key: str  # sorted content words, space-separated


def content_words(index: FaqIndex, text: str) -> list[str]:
    """The content words of a question as the search reads it (hiragana spellings mapped to
    the entries' words), so a learned key means what the search's exact-wording match means."""
    return index.query_terms(text).words


def examine(index: FaqIndex, text: str) -> Phrasing | Rejection:
    """The phrasing `text` (already masked) would be, or why it is not learned."""
    text = " ".join(_PLACEHOLDER.sub(" ", text).split())
    if not text:
        return Rejection.empty
    if len(text) > MAX_PHRASING_CHARS:
        return Rejection.too_long
    words = content_words(index, text)
    if not words:
        return Rejection.empty
    if len(words) == 1 and index.word_frequency(words[0]) >= 2:
        return Rejection.vague
    if _is_own_wording(index, words):
        return Rejection.own_wording
    return Phrasing(text=text, key=" ".join(sorted(set(words))))


def _is_own_wording(index: FaqIndex, words: list[str]) -> bool:
    """Whether some entry's question or listed alternative has exactly these content words.
    The index's wording table also holds learned phrasings, so its few candidates are checked
    against their own wordings."""
    key = frozenset(words)
    for faq_id in index.wordings().entries_worded(words):
        document = index.document(faq_id)
        for wording in (document.question, *document.alternatives):
            if frozenset(index.analyzer.words(wording)) == key:
                return True
    return False
