"""English questions: the entries that carry English text are found first, by a small lexical
index over their `question_en` and `answer_en` (lowercased words without stopwords, plurals
folded, BM25 with bm25s); otherwise an optional meaning search (a cross-lingual encoder over the
Japanese entries, `search_by_meaning(text, top)`) may find a Japanese entry. None of either:
the caller goes on with the Japanese search and says so in English (actions/language_note.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import bm25s
import numpy as np

from api.faq.search import FaqDocument, FaqIndex, SearchHit
from jatext import english

# `search_by_meaning(text, top)` of the FAQ index, best first (not every deployment has one).
MeaningSearch = Callable[[str, int], Sequence[SearchHit]]

# The words that say nothing about the topic of a citizen's question (function words, the
# question's frame: "how do I", "can you tell me", "please", and the city itself).
STOPWORDS = frozenset(
    str.split(
        """a about after again all also am an and any are as at be been before being but by can
        could did do does doing done for from get gets getting give go going got had has have
        having he her here hers him his how i if in into is it its just know let like may me
        might more most much must my need needs no not now of off on once one only or other our
        out over please should so some tell than thank thanks that the their them then there
        these they this those to too up us very want wanted wants was way we were what when
        where which while who why will with would you your yours hello hi hey city office find
        possible someone something anyone ask"""
    )
)
# BM25 as in the Japanese fields (api/faq/search/index.py).
BM25_K1 = 1.2
BM25_B = 0.75
# An English entry answers when it holds this share of the query's weight (IDF of the query
# words the index knows) and leads the runner-up clearly; a close runner-up gets choices.
ANSWER_SHARE = 0.5
CHOICE_SHARE = 0.3
CLEAR_LEAD = 0.8  # runner-up score / top score below this: the top entry is answered
MAX_CHOICES = 3


def words(text: str) -> list[str]:
    """Content words of English text: lowercased lemmas (jatext.english), without stopwords."""
    return [w for w in english.words(text) if w not in STOPWORDS and len(w) > 1]


@dataclass(frozen=True)
class EnglishDecision:
    decision: Literal["answer", "clarify"]
    hits: list[SearchHit]  # answer: the one entry; clarify: up to three choices
    english: bool  # the entries' English text answers (False: a Japanese entry, found by meaning)


class EnglishIndex:
    """BM25 over the English question (weighted twice) and answer of the entries that have an
    English answer."""

    def __init__(self, documents: Sequence[FaqDocument]) -> None:
        self.documents = [d for d in documents if d.answer_en]
        corpus = [
            words(f"{d.question_en or ''} {d.question_en or ''} {d.answer_en}")
            for d in self.documents
        ]
        self._retriever: bm25s.BM25 | None = None
        self._idf: dict[str, float] = {}
        if self.documents:
            self._retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B, method="lucene")
            self._retriever.index([doc or ["\x00"] for doc in corpus], show_progress=False)
            n = len(corpus)
            df: dict[str, int] = {}
            for doc in corpus:
                for term in set(doc):
                    df[term] = df.get(term, 0) + 1
            self._idf = {t: float(np.log(1 + (n - c + 0.5) / (c + 0.5))) for t, c in df.items()}

    def __len__(self) -> int:
        return len(self.documents)

    def search(self, query: str, top: int = 10) -> list[tuple[SearchHit, float]]:
        """(hit, share of the query's weight the entry holds), best first."""
        terms = [t for t in words(query) if t in self._idf]
        if self._retriever is None or not terms:
            return []
        scores = self._retriever.get_scores(terms)
        weight = sum(self._idf[t] for t in set(terms))
        order = np.argsort(-scores)[:top]
        hits = []
        for i in order:
            if scores[i] <= 0:
                break
            doc = self.documents[int(i)]
            held = set(words(f"{doc.question_en or ''} {doc.answer_en}"))
            share = sum(self._idf[t] for t in set(terms) if t in held) / weight
            hits.append((SearchHit(doc.faq_id, float(scores[i])), share))
        return hits

    def decide(self, query: str) -> EnglishDecision | None:
        found = self.search(query, top=MAX_CHOICES + 1)
        if not found:
            return None
        (best, share), *rest = found
        clear = not rest or rest[0][0].score < CLEAR_LEAD * best.score
        if share >= ANSWER_SHARE and clear:
            return EnglishDecision("answer", [best], english=True)
        choices = [hit for hit, held in found if held >= CHOICE_SHARE][:MAX_CHOICES]
        if len(choices) == 1 and share >= ANSWER_SHARE:
            return EnglishDecision("answer", choices, english=True)
        if choices:
            return EnglishDecision("clarify", choices, english=True)
        return None


_indexes: weakref.WeakKeyDictionary[FaqIndex, EnglishIndex] = weakref.WeakKeyDictionary()


def english_index(index: FaqIndex) -> EnglishIndex:
    """The English index of a knowledge build's FAQ index, built once per build (a staff edit
    makes a new FaqIndex, hence a new English index)."""
    found = _indexes.get(index)
    if found is None:
        found = EnglishIndex(index.documents)
        _indexes[index] = found
    return found


def decide_english(
    index: FaqIndex, query: str, meaning_search: MeaningSearch | None = None
) -> EnglishDecision | None:
    """What answers an English question: English entries first, then (when the deployment has
    one) the meaning search over every entry; None when neither finds anything."""
    found = english_index(index).decide(query)
    if found is not None:
        return found
    if meaning_search is not None:
        hits = list(meaning_search(query, 1))
        if hits:
            return EnglishDecision("answer", hits[:1], english=False)
    return None
