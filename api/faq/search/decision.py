"""Answer, clarify or escalate: what the bot does with the result of an FAQ search.

- ``answer``: one entry is a confident match,
- ``clarify``: some entries match: offer up to three to choose from,
- ``escalate``: nothing matches well enough (or the query has no usable words): hand over to
  staff.

Confidence of the top entry = its relative lead over the runner-up ((s1 - s2) / s1) plus
AGREEMENT_BONUS for each of the two single views (lexical BM25 fields, dense word vectors)
that ranks the same entry first. Of the signals measured (top score, lead, absolute gap,
share of query words found, lexical or dense score alone, agreement), lead + agreement sorted
the right answers first best; the top score alone hardly does (see bench/faq_bench.py).

Before those figures, what the question says decides: a question worded as one of an entry's
own wordings (its question or a listed alternative, same content words) is answered with it;
one content word shared by several entries (手続き) gets choices; a question most of whose
content words occur nowhere in the FAQ, or whose topic no entry writes while the words it
shares with the FAQ are generic (パスポートを申請したい), is passed on; an answer needs
the entry to hold the query's key content (KEY_COVERAGE), not just a generic word it shares;
and a question that narrows the entry's word by a noun the entry never writes (ガスの開栓
against the water entry's 開栓) gets choices.

Escalation looks at the lexical evidence of the top entry only (the dense cosine is never 0,
so it cannot say "nothing here").
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

import jatext

from .documents import SearchHit
from .index import FaqIndex

Decision = Literal["answer", "clarify", "escalate"]

AGREEMENT_BONUS = 0.2
# An answer needs the entry to hold this share of the query's known content (IDF-weighted),
# so that a shared generic word (税, 手続き) is not enough. On the Amagasaki dev queries 0.4
# raises answer precision 0.862 → 0.875 for coverage 0.261 → 0.216; 0.6 reaches 0.886 at 0.158.
KEY_COVERAGE = 0.4
# With the sentence encoders' answer model, which weighs the coverage itself, an entry
# holding less than this share of the query's known content is still never answered.
KEY_FLOOR = 0.2
# A query is outside the FAQ when at least this share of its content words occur nowhere in
# it (宇宙旅行の申し込み); a lower share escalated in-domain questions worded differently
# from the entries (粗大ごみ where the city writes 大型ごみ).
OUTSIDE_SHARE = 2 / 3
# A word at least this share of the entries use is generic (申請 in 15 % of the demo city's,
# 手続き): a question whose specific word no entry writes and which shares only generic
# words with the FAQ asks about something the FAQ does not hold (パスポートを申請したい in a
# city without a passport entry would be answered with the My Number card's, its closest
# 申請). No Amagasaki dev question, answered or not, shares only such words with the FAQ.
GENERIC_SHARE = 0.1
# ... and in at least this many: in a small FAQ (a few entries) every word is in 10 % of them.
GENERIC_MIN_ENTRIES = 5

CALIBRATION = """
answer_confidence: `python -m bench.faq_bench DATA --calibrate` on the Amagasaki dev queries
(222 real citizen questions), 5-fold cross-validation: on each training fold the smallest
threshold whose answers reach precision >= 0.85 is picked and measured on the held-out fold;
the constant is the median of the five fold choices (not the best value on all 222), and the
benchmark prints the held-out precision/coverage next to the in-sample figures.
escalate_lexical: the in-domain dev queries put 98 % of their top entries' lexical score
above it (2nd percentile 0.134, rounded down to 0.13; 0.161 with the CCA-adapted dense
part), so an in-domain question is rarely escalated, while a query sharing no indexed word
or character with the knowledge base is.
answer_confidence / answer_lexical: re-calibrated after the dense part became CCA-adapted
(vectors.py), same protocol: fold choices (0.55, 0.5) (0.55, 0.5) (0.55, 0.0) (0.6, 0.0)
(0.6, 1.0); medians 0.55 and 0.5. Held-out precision 0.857 at coverage 0.252 (before the CCA:
0.785 at 0.293). A Hit@1 of 0.54 does not allow precision 0.85 at coverage 0.5.
With the sentence encoders (the logistic answer rule, ANSWER_MODEL): 5-fold CV, a target of
0.875 on the training folds gives held-out precision 0.848 at coverage 0.297 (fold
thresholds 0.76 0.69 0.76 0.70 0.71, median 0.71); a target of 0.85 gives 0.816 at 0.342.
Lead + agreement over the three views reached 0.80 at 0.42 or 0.83 at 0.28; hand-weighted
per-view agreement bonuses 0.80 at 0.42. The key-coverage guard costs coverage (without it the
same model reaches 0.83 at 0.39) but keeps answers on the question's specific word.
The key coverage as a feature of that model ("covered", the entry's share of the query's
IDF-weighted content) with a low floor (KEY_FLOOR 0.2) instead of the hard cut at 0.4:
5-fold CV with a target of 0.86 on the training folds holds precision 0.850 at coverage 0.360
(other fold splits 0.855 at 0.374, 0.831 at 0.374), against 0.853 at 0.306 (0.840 at 0.338,
0.824 at 0.333) with the cut; fold thresholds 0.77 0.66 0.76 0.73 0.71, median 0.73. Without
a floor, 0.852 at 0.396 (0.846 at 0.410, 0.826 at 0.387), but an entry sharing no key word
was answered (道が暗くて怖い → the entry on holes in the road). The lead-and-agreement rule
(no encoders) keeps the cut.
Where the words matched (`answer_only`, `key`): the share of the query's IDF-weighted known
content that the fused winner holds only in its answer, not in its question, listed
alternatives or tags, and whether it holds the query's most specific known word. On the dev
questions the winner is right 86 % of the time when 30 % or more of that content is found only
in its answer (the details of a specific answer), against 64 % when its question alone holds
all of it (a short generic question). Same protocol with a target of 0.88 on the training
folds (0.86 now holds about 0.84): held-out precision 0.853 at coverage 0.428; four other
fold splits 0.859/0.414, 0.864/0.396, 0.853/0.428, 0.856/0.405 (mean 0.857 at 0.414), against
a mean of 0.849 at 0.323 for the former five features at that target; fold thresholds 0.74
0.68 0.75 0.63 0.66, median 0.68. The share of the query's content in the winner's question
(the complement) as a feature instead: the same figures, but learned phrasings would move it;
they are left out of `answer_only`, so learning does not change what the model reads. Also
tried on top (no better held out, or less stable across splits): the winner's lexical and USE
scores, its rank in each view, the number of views ranking it first, the fused lead and gap,
the query's length and its share of unknown words.
A narrowing the winner never writes (narrowed_elsewhere: 「ガスの開栓」 against the water
entry) withholds the answer, after the model: same protocol, held-out precision 0.869 at
coverage 0.446, other splits 0.874/0.428 and 0.856/0.437 (before it: 0.853/0.428, 0.859/0.414,
0.864/0.396); fold thresholds 0.71 0.67 0.66 0.63 0.62 (medians of the three splits 0.66,
0.67, 0.68: answer_probability stays 0.68; in-sample 0.885 at 0.432, at 0.66 0.889 at 0.446).
Tried and left out: an unknown noun (古い机を捨てたい: 机 occurs in no entry) blocking an
answer: precision 0.866 → 0.862, coverage 0.302 → 0.261 on the dev queries. Of the 99 dev
questions the answer model answers, 21 hold a word no entry uses (隣人, 軒下, 父親: 18
answered right, the model's own rate); none of them, and no dev question at all, shares only
generic words (GENERIC_SHARE) with the FAQ: the topic rule (topic_outside) changes no dev
figure.
Tried and left out (5-fold CV on the dev queries, several seeds): a logistic model of
"top hit is right" over lead, agreement, lexical/dense top scores and leads, department
concordance of the top 5 — no better than lead + agreement held out (0.79-0.84 at 0.26-0.34);
a single threshold on the confidence alone is as good as the two-threshold grid.
"""


# With the sentence encoders (index.py FUSION_WEIGHTS), whether the fused winner is right is
# judged from how each view sees it: its gap in each view (its score there minus the best
# other entry's: negative when the view prefers another) and e5's cosine with it, and from
# where it holds the query's words (covered, answer_only, key: see signals()), combined by a
# logistic model (probability that the answer is right). Coefficients (raw units):
# `python -m bench.faq_bench DATA --calibrate` fits the model on each of 5 training folds of
# the dev questions and prints the mean of the fold models; the held-out figures are measured
# with each fold's own model and threshold. An index without one of the views (a setting
# leaving an encoder out) answers by the lead-and-agreement rule below instead.
ANSWER_MODEL: dict[str, float] = {
    "intercept": -17.985,
    "gap_lexical": 0.823,
    "gap_e5": 30.8,
    "gap_use": 3.811,
    "top_e5": 20.413,
    "covered": -0.209,
    "answer_only": 3.695,
    "key": 0.69,
}
FEATURES = ("gap_lexical", "gap_e5", "gap_use", "top_e5", "covered", "answer_only", "key")
# Learned phrasings do not move the e5 features, the model's heaviest: the fused search's e5
# view reads the city's own wordings only, its learned questions rank apart (meaning.py).


def answer_probability(features: dict[str, float], model: dict[str, float] = ANSWER_MODEL) -> float:
    z = model.get("intercept", 0.0) + sum(
        model.get(k, 0.0) * features.get(k, 0.0) for k in FEATURES
    )
    return float(1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0))))


@dataclass(frozen=True)
class Thresholds:
    # answer when the top entry's confidence reaches answer_confidence and its lexical score
    # reaches answer_lexical (the lead is scale-free: a weak match can lead a weaker one);
    # with sentence encoders, when answer_probability() reaches answer_probability instead
    answer_confidence: float = 0.55
    answer_lexical: float = 0.5
    answer_probability: float = 0.68
    # escalate when the top entry's lexical score is below escalate_lexical
    escalate_lexical: float = 0.13
    # clarify offers entries scoring at least clarify_ratio × the top score (at most 3)
    clarify_ratio: float = 0.7
    clarify_max: int = 3


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class AnswerDecision:
    decision: Decision
    hits: list[SearchHit]  # answer: the one FAQ; clarify: up to three choices; escalate: []
    # added: the signals the decision was taken on (for logs and calibration)
    confidence: float = 0.0
    candidates: list[SearchHit] = field(default_factory=list)


@dataclass(frozen=True)
class Signals:
    hits: list[SearchHit]  # ranked, best first
    lexical_top: float  # lexical score of the top entry (inf when unknown)
    agreement: int  # 0..2 single views that rank the top entry first
    # entries whose question or a listed alternative has exactly the query's content words
    worded: tuple[str, ...] = ()
    # one content word that several entries share (手続き, 税金): the citizen must choose
    vague: bool = False
    # most of the query's content words occur nowhere in the FAQ (宇宙旅行の申し込み), or its
    # topic does not and what it shares with the FAQ is generic (パスポートを申請したい)
    outside: bool = False
    # the top entry holds the query's most specific known word (入湯税 → not 軽自動車税)
    key_covered: bool = True
    # the query narrows a word of the top entry by a noun the top entry never writes:
    # 「ガスの開栓」 against the water entry (narrowed_elsewhere)
    narrowed_elsewhere: bool = False
    # how the single views see the fused winner (FEATURES); empty without sentence encoders
    features: dict[str, float] = field(default_factory=dict)


def confidence(signals: Signals) -> float:
    hits = signals.hits
    if not hits or hits[0].score <= 0:
        return 0.0
    s1 = hits[0].score
    s2 = hits[1].score if len(hits) > 1 else 0.0
    return (s1 - s2) / s1 + AGREEMENT_BONUS * signals.agreement


def decide_from_signals(
    signals: Signals,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    model: dict[str, float] = ANSWER_MODEL,
) -> AnswerDecision:
    hits = signals.hits
    if signals.worded:  # the citizen asked in one of the entries' own words
        scores = {h.faq_id: h.score for h in hits}
        worded = [SearchHit(fid, scores.get(fid, 0.0)) for fid in signals.worded]
        if len(worded) == 1:
            return AnswerDecision("answer", worded, 1.0, hits)
        return AnswerDecision("clarify", worded[: thresholds.clarify_max], 0.0, hits)
    if not hits or signals.outside or signals.lexical_top < thresholds.escalate_lexical:
        return AnswerDecision("escalate", [], 0.0, hits)
    if signals.features and all(f in signals.features for f in FEATURES):
        conf = answer_probability(signals.features, model)
        # the model weighs the key coverage (feature "covered"); below KEY_FLOOR no answer
        sure = conf >= thresholds.answer_probability and signals.features["covered"] >= KEY_FLOOR
    else:
        conf = confidence(signals)
        sure = (
            conf >= thresholds.answer_confidence
            and signals.lexical_top >= thresholds.answer_lexical
            and signals.key_covered
        )
    if sure and not signals.vague and not signals.narrowed_elsewhere:
        return AnswerDecision("answer", [hits[0]], conf, hits)
    s1 = hits[0].score
    choices = [h for h in hits if h.score >= thresholds.clarify_ratio * s1]
    return AnswerDecision("clarify", choices[: thresholds.clarify_max], conf, hits)


def signals(index: FaqIndex, query: str, top: int = 10) -> Signals:
    scored = index.score(query)
    hits = index.hits(scored, top)
    words = scored.terms.words
    vague = len(words) == 1 and index.word_frequency(words[0]) >= 2
    if not vague and len(words) > 1 and jatext.names_only(query):
        # マイナンバーカード alone: the entries to make one and to report one lost both ask
        # about it in their questions; nothing in the query tells them apart
        vague = asked_in_questions(index, words) >= 2
    # one shared word (「ごみ」) stays vague even when an entry happens to be worded so, unless
    # the query is that wording as the city wrote it (市役所は何時まで？ is M0111's own)
    worded = index.wordings().entries_written(query) or (
        () if vague else index.wordings().entries_worded(words)
    )
    if not hits:
        return Signals([], 0.0, 0, worded=worded)
    best = index._position[hits[0].faq_id]
    # a word is known by its lemma or as typed: ごみ出し's lemma 塵出し occurs nowhere, but the
    # entries write ごみ, so the question is not outside the FAQ
    typed = {lemma: surface for surface, lemma in scored.terms.pairs}
    unknown = [
        w
        for w in words
        if _SUBSTANTIVE.search(w) and not index.knows(w) and not index.knows(typed.get(w, w))
    ]
    covered = covered_share(index, words, hits[0].faq_id)  # None: no word the FAQ knows
    features = view_features(scored.views, best)
    if features:
        # for the answer model, a query sharing no known word with the FAQ covers nothing
        features["covered"] = covered or 0.0
        features["answer_only"] = answer_only_share(index, words, hits[0].faq_id) or 0.0
        features["key"] = float(key_held(index, words, hits[0].faq_id))
    return Signals(
        hits,
        float(scored.lexical[best]),
        scored.agreement(),
        worded=worded,
        vague=vague,
        outside=(bool(unknown) and len(unknown) >= OUTSIDE_SHARE * len(words))
        or topic_outside(index, scored.terms.pairs),
        key_covered=covered is None or covered >= KEY_COVERAGE,
        narrowed_elsewhere=narrowed_elsewhere(
            index, scored.terms.prepared, hits[0].faq_id, prepared=True
        ),
        features=features,
    )


def narrowed_elsewhere(index: FaqIndex, query: str, faq_id: str, *, prepared: bool = False) -> bool:
    """Whether the query narrows a word the entry holds (「X の Y」, Y in the entry) by a noun X
    the entry never writes: 「ガスの開栓」 against the water entry, whose 開栓 is of water.
    Such a question asks about another X than the entry's, so it gets choices, not the entry
    as an answer. Single characters (市の, 家の) say too little to count.
    On the Amagasaki dev questions it holds for 15 of 222 top entries, 4 of them right (Hit@1
    0.63 overall); of the 99 the model answers, for 3: two wrong (高額の医療費 → the
    OTC-medicine special deduction, 地元の地場産業製品 → where local vegetables are sold), one
    right (田んぼの害虫駆除 → the city's pest control in general). A compound (X Y, no の)
    is no such sign: of the answered, 9 of 10 were right (大型ゴミ, スプレー缶)."""
    return any(
        _SUBSTANTIVE.search(modifier.lemma)
        and not index.covers(faq_id, modifier.lemma)
        and not index.entry_writes(faq_id, modifier.surface)
        and not index.entry_writes(faq_id, modifier.lemma)
        and index.covers(faq_id, head.lemma)
        for modifier, head in index.analyzer.narrowings(query, prepared=prepared)
    )


def topic_outside(index: FaqIndex, pairs: list[tuple[str, str]]) -> bool:
    """Whether the query's topic is a word no entry writes while every word it shares with the
    FAQ is generic (GENERIC_SHARE): パスポートを申請したい where no entry mentions パスポート
    and 申請 is in many. `pairs`: the query's content words as (typed surface, lemma)."""
    seen = [lemma for _, lemma in pairs if index.word_frequency(lemma)]
    if not seen or len(seen) == len(pairs):
        return False
    generic = max(GENERIC_SHARE * len(index), GENERIC_MIN_ENTRIES)
    if any(index.word_frequency(lemma) < generic for lemma in seen):
        return False
    return any(
        _SUBSTANTIVE.search(lemma) and not index.writes(surface) and not index.writes(lemma)
        for surface, lemma in pairs
        if not index.word_frequency(lemma)
    )


def view_features(views: dict[str, np.ndarray], best: int) -> dict[str, float]:
    """Per view, the fused winner's gap to the best other entry, and e5's cosine with it."""
    if not views:
        return {}
    out: dict[str, float] = {}
    for kind, scores in views.items():
        others = np.delete(scores, best)
        out[f"gap_{kind}"] = float(scores[best] - (others.max() if len(others) else 0.0))
        out[f"top_{kind}"] = float(scores[best])
    return out


def covered_share(index: FaqIndex, words: list[str], faq_id: str) -> float | None:
    """The share of the query's known content (IDF-weighted: rare words weigh most) that the
    entry holds; None when the query has no word the FAQ knows."""
    weights = {w: index.word_idf(w) for w in words if index.word_frequency(w)}
    total = sum(weights.values())
    if total <= 0:
        return None
    return sum(v for w, v in weights.items() if index.covers(faq_id, w)) / total


def answer_only_share(index: FaqIndex, words: list[str], faq_id: str) -> float | None:
    """The share of the query's known content (IDF-weighted) that the entry's answer holds
    but not the way the city asks it (question, listed alternatives, tags): a query matched
    on the details of an answer is a specific match, one matched on the words of a short
    question often a generic one. Learned phrasings are neither (they are the citizens'
    wording): learning does not move this share. None when the query has no known word."""
    weights = {w: index.word_idf(w) for w in words if index.word_frequency(w)}
    total = sum(weights.values())
    if total <= 0:
        return None
    asked = _asked_words(index)[index._position[faq_id]]
    answered = index.answer_words(faq_id)
    return sum(v for w, v in weights.items() if w in answered and w not in asked) / total


def key_held(index: FaqIndex, words: list[str], faq_id: str) -> bool:
    """Whether the entry holds the query's most specific known word (the highest IDF)."""
    known = [w for w in words if index.word_frequency(w)]
    return bool(known) and index.covers(faq_id, max(known, key=index.word_idf))


def asked_in_questions(index: FaqIndex, words: list[str]) -> int:
    """How many entries' questions hold every one of `words`."""
    wanted = frozenset(words)
    return sum(1 for held in _question_words(index) if wanted <= held)


_QUESTIONS: weakref.WeakKeyDictionary[FaqIndex, list[frozenset[str]]] = weakref.WeakKeyDictionary()


def _question_words(index: FaqIndex) -> list[frozenset[str]]:
    found = _QUESTIONS.get(index)
    if found is None:
        words = index.analyzer.words
        found = _QUESTIONS[index] = [frozenset(words(d.question)) for d in index.documents]
    return found


# per index: the content words of the city's wording of each entry (question, listed
# alternatives, tags; index order), computed on first use
_ASKED: weakref.WeakKeyDictionary[FaqIndex, list[frozenset[str]]] = weakref.WeakKeyDictionary()


def _asked_words(index: FaqIndex) -> list[frozenset[str]]:
    found = _ASKED.get(index)
    if found is None:
        words = index.analyzer.words
        found = _ASKED[index] = [
            frozenset(w for text in (d.question, *d.alternatives, *d.tags) for w in words(text))
            for d in index.documents
        ]
    return found


# a word that can carry a topic: kanji, katakana or latin letters, two characters or more
_SUBSTANTIVE = re.compile(r"[\u4e00-\u9fff\u30a1-\u30fa\u30fca-z]{2,}")


def decide(
    index: FaqIndex, query: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> AnswerDecision:
    return decide_from_signals(signals(index, query), thresholds)
