"""English questions: the entries that carry English text are found first, by a small lexical
index over their `question_en` and `answer_en` (lowercased words without stopwords, stemmed,
BM25 with bm25s); otherwise an optional meaning search (a cross-lingual encoder over the
Japanese entries, `search_by_meaning(text, top)`) may find a Japanese entry. None of either:
the caller goes on with the Japanese search and says so in English (actions/language_note.py).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import bm25s
import numpy as np
import snowballstemmer

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
QUESTION_SHARE = 0.3
CHOICE_SHARE = 0.3
CLEAR_LEAD = 0.8  # runner-up score / top score below this: the top entry is answered
CLEAR_HOLD_LEAD = 0.25  # … or the runner-up holds this much less of the query (share sums)
MAX_CHOICES = 3


# Words residents use for the same thing, folded to the one the city's texts use.
EQUIVALENTS = {
    "trash": "garbage",
    "rubbish": "garbage",
    "junk": "garbage",
    "dispose": "throw",
    "discard": "throw",
    "separate": "sort",
    "juminhyo": "residence",
    "konbini": "convenience",
    "daycare": "nursery",
    "kindergarten": "nursery",
}
_stemmer = snowballstemmer.stemmer("english")
_JAPANESE_TERM = re.compile(r"[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def words(text: str) -> list[str]:
    """Content words of English text as stems (Snowball): lowercased, without stopwords,
    residents' words folded to the city's; "dumped" meets "dumping", "collected" "collection"."""
    kept = [w for w in english.words(text) if w not in STOPWORDS and len(w) > 1]
    return _stemmer.stemWords([EQUIVALENTS.get(w, w) for w in kept])


@dataclass(frozen=True)
class Found:
    hit: SearchHit
    share: float  # of the query's weight, held by the entry's English question and answer
    question_share: float  # … held by its English question alone

    @property
    def held(self) -> float:
        return self.share + self.question_share


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

    def search(self, query: str, top: int = 10) -> list[Found]:
        """The entries holding the query's words, best first."""
        asked = set(words(query))
        terms = [t for t in asked if t in self._idf]
        if self._retriever is None or not terms:
            return []
        scores = self._retriever.get_scores(terms)
        # A word no entry has weighs like a typical word: "a barbecue on the roof of the city
        # hall" is not answered by the one entry that mentions a hall. A Japanese term in the
        # question ("How do I apply for 児童手当?") is its topic: it weighs like the rarest word.
        typical = float(np.median(list(self._idf.values())))
        rarest = max(self._idf.values())
        weight = sum(self._idf.get(t, typical) for t in asked)
        weight += rarest * len(_JAPANESE_TERM.findall(query))
        found = []
        for i in np.argsort(-scores)[:top]:
            if scores[i] <= 0:
                break
            doc = self.documents[int(i)]
            question = set(words(doc.question_en or ""))
            held = question | set(words(doc.answer_en or ""))
            found.append(
                Found(
                    SearchHit(doc.faq_id, float(scores[i])),
                    share=sum(self._idf[t] for t in terms if t in held) / weight,
                    question_share=sum(self._idf[t] for t in terms if t in question) / weight,
                )
            )
        return found

    def decide(self, query: str) -> EnglishDecision | None:
        """An answer needs the entry to hold most of the query, part of it in its question (an
        answer that mentions the child allowance in passing does not answer about it), and a
        clear lead: in BM25 score, or in how much of the query its question and text hold.
        Choices need some of the query in their question."""
        found = self.search(query, top=MAX_CHOICES + 1)
        if not found:
            return None
        ranked = sorted(found, key=lambda f: (-f.held, -f.hit.score))
        best, *rest = ranked
        clear = not rest or (
            rest[0].held <= best.held - CLEAR_HOLD_LEAD
            or rest[0].hit.score < CLEAR_LEAD * best.hit.score
        )
        if best.share >= ANSWER_SHARE and best.question_share >= QUESTION_SHARE and clear:
            return EnglishDecision("answer", [best.hit], english=True)
        if _JAPANESE_TERM.search(query):
            return None  # the Japanese search knows the Japanese term better than any choice
        choices = [f.hit for f in ranked if f.share >= CHOICE_SHARE and f.question_share > 0]
        if choices:
            return EnglishDecision("clarify", choices[:MAX_CHOICES], english=True)
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
    if meaning_search is not None:  # an injected search (another deployment's): its top hit
        hits = list(meaning_search(query, 1))
        if hits:
            return EnglishDecision("answer", hits[:1], english=False)
        return None
    return meaning_decision(index, query)


# The index's own meaning search (sentence encoders, api/faq/search/meaning.py) over Japanese
# entries. e5's cosines crowd together (0.76-0.91 for any question, in scope or not); USE's
# spread: on English questions about the demo city's Japanese-only entries, the right entry had
# a USE cosine of 0.34-0.59, questions outside the city's business (weather, stocks, flights,
# sport) 0.21-0.28. So USE gates, and an answer needs every encoder to put the same entry first
# (in those questions, agreement was right 8 times of 8, and never happened outside).
MEANING_GATE = {"use": 0.33}  # encoder view -> least top cosine for anything to be offered
MEANING_ANSWER = {"use": 0.35}  # … for an answer (with all views agreeing)


def meaning_decision(index: FaqIndex, query: str) -> EnglishDecision | None:
    """A Japanese entry found by meaning for a question in another language: an answer when
    every encoder puts it first and it is near enough, choices when something is near, else
    None. None too without a gating encoder: e5 alone cannot tell in scope from out."""
    if not index.meaning or not any(kind in index.meaning for kind in MEANING_GATE):
        return None
    views = index.meaning_scores(query)
    hits = index.search_by_meaning(query, MAX_CHOICES)
    if not hits:
        return None
    tops = {kind: float(np.max(scores)) for kind, scores in views.items()}
    if any(tops[kind] < least for kind, least in MEANING_GATE.items() if kind in tops):
        return None
    first = hits[0].faq_id
    agree = all(index.documents[int(np.argmax(v))].faq_id == first for v in views.values())
    near = all(tops[kind] >= least for kind, least in MEANING_ANSWER.items() if kind in tops)
    if len(views) > 1 and agree and near:
        return EnglishDecision("answer", hits[:1], english=False)
    return EnglishDecision("clarify", hits, english=False)
