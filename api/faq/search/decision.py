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

Escalation looks at the lexical evidence of the top entry only (the dense cosine is never 0,
so it cannot say "nothing here").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .documents import SearchHit
from .index import FaqIndex

Decision = Literal["answer", "clarify", "escalate"]

AGREEMENT_BONUS = 0.2

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
Tried and left out (5-fold CV on the dev queries, several seeds): a logistic model of
"top hit is right" over lead, agreement, lexical/dense top scores and leads, department
concordance of the top 5 — no better than lead + agreement held out (0.79-0.84 at 0.26-0.34);
a single threshold on the confidence alone is as good as the two-threshold grid.
"""


@dataclass(frozen=True)
class Thresholds:
    # answer when the top entry's confidence reaches answer_confidence and its lexical score
    # reaches answer_lexical (the lead is scale-free: a weak match can lead a weaker one)
    answer_confidence: float = 0.55
    answer_lexical: float = 0.5
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


def confidence(signals: Signals) -> float:
    hits = signals.hits
    if not hits or hits[0].score <= 0:
        return 0.0
    s1 = hits[0].score
    s2 = hits[1].score if len(hits) > 1 else 0.0
    return (s1 - s2) / s1 + AGREEMENT_BONUS * signals.agreement


def decide_from_signals(
    signals: Signals, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> AnswerDecision:
    hits = signals.hits
    if not hits or signals.lexical_top < thresholds.escalate_lexical:
        return AnswerDecision("escalate", [], 0.0, hits)
    conf = confidence(signals)
    if conf >= thresholds.answer_confidence and signals.lexical_top >= thresholds.answer_lexical:
        return AnswerDecision("answer", [hits[0]], conf, hits)
    s1 = hits[0].score
    choices = [h for h in hits if h.score >= thresholds.clarify_ratio * s1]
    return AnswerDecision("clarify", choices[: thresholds.clarify_max], conf, hits)


def signals(index: FaqIndex, query: str, top: int = 10) -> Signals:
    scored = index.score(query)
    hits = index.hits(scored, top)
    if not hits:
        return Signals([], 0.0, 0)
    best = index._position[hits[0].faq_id]
    return Signals(hits, float(scored.lexical[best]), scored.agreement())


def decide(
    index: FaqIndex, query: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> AnswerDecision:
    return decide_from_signals(signals(index, query), thresholds)
