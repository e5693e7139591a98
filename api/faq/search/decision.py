"""Answer, clarify or escalate: what the bot does with the result of an FAQ search.

- ``answer``: one entry is a confident match (high fused score, clear lead over the runner-up),
- ``clarify``: a few entries match moderately: offer up to three to choose from,
- ``escalate``: nothing matches well enough (or the query has no usable words): hand over to
  staff.

The thresholds are module constants (DEFAULT_THRESHOLDS); ``bench/faq_bench.py --calibrate``
shows how they were chosen (see CALIBRATION below).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .documents import SearchHit
from .index import FaqIndex

Decision = Literal["answer", "clarify", "escalate"]

CALIBRATION = """
Calibrated with `python -m bench.faq_bench DATA --calibrate` on the Amagasaki dev queries
(222 real citizen questions) by 5-fold cross-validation: on each training fold, the grid of
(answer_score, answer_margin) that reaches answer precision >= 0.85 with the largest coverage
is picked and then measured on the held-out fold; the constants below are the median of the
fold choices (not the best on all 222), and the cross-validated precision/coverage is what the
benchmark reports next to the in-sample figure.
"""


@dataclass(frozen=True)
class Thresholds:
    # answer when the top score reaches answer_score AND leads the runner-up by answer_margin
    # (relative: (s1 - s2) / s1)
    answer_score: float = 0.95
    answer_margin: float = 0.2
    # below escalate_score nothing is offered
    escalate_score: float = 0.35
    # clarify offers entries scoring at least clarify_ratio × the top score (at most 3)
    clarify_ratio: float = 0.6
    clarify_max: int = 3


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class AnswerDecision:
    decision: Decision
    hits: list[SearchHit]  # answer: the one FAQ; clarify: up to three choices; escalate: []
    # added: the signals the decision was taken on (for logs and calibration)
    top_score: float = 0.0
    margin: float = 0.0
    candidates: list[SearchHit] = field(default_factory=list)


def decide_from_hits(
    hits: list[SearchHit], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> AnswerDecision:
    """The decision on a ranked hit list (best first)."""
    if not hits:
        return AnswerDecision("escalate", [])
    s1 = hits[0].score
    s2 = hits[1].score if len(hits) > 1 else 0.0
    margin = (s1 - s2) / s1 if s1 > 0 else 0.0
    if s1 < thresholds.escalate_score:
        return AnswerDecision("escalate", [], s1, margin, hits)
    if s1 >= thresholds.answer_score and margin >= thresholds.answer_margin:
        return AnswerDecision("answer", [hits[0]], s1, margin, hits)
    choices = [h for h in hits if h.score >= thresholds.clarify_ratio * s1]
    return AnswerDecision("clarify", choices[: thresholds.clarify_max], s1, margin, hits)


def decide(
    index: FaqIndex, query: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> AnswerDecision:
    return decide_from_hits(index.search(query, top=10), thresholds)
