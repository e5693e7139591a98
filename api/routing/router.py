"""Department routing: which department should handle an inquiry.

Three sources of evidence, all learned from data rather than rules:
- nearest entries: the FAQ entries nearest to the inquiry (the fused search: words and
  meaning) vote for their department, each
  with a weight (score / best score) ** VOTE_SHARPNESS;
- department profiles: one text per department, made of the directory's ``name``,
  ``keywords`` and ``handles`` and of all the department's FAQ questions and answer openings,
  searched with the same FaqIndex machinery (so departments with few or no FAQ entries are
  still found through the directory).

- a naive Bayes classifier (classifier.py) trained on the FAQ entries' lemmas → department
  (and the directory's profiles), counted only when the search found some evidence.

Each source becomes a distribution over departments (shares sum to 1); they are added with
PROFILE_WEIGHT. The confidence of the winner is its share of the total, damped by how well the
best evidence matches at all, so a vague or unrelated inquiry gets a low confidence even when
one department wins the vote. The constants were chosen on the Amagasaki benchmark
(bench/faq_bench.py, routing top-1) from a coarse grid, preferring the middle of the plateau.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from api.faq.search.analyses import Analysis, TextAnalyses
from api.faq.search.documents import FaqDocument, answer_body
from api.faq.search.index import FaqIndex

from .classifier import NaiveBayesRouter
from .english import EnglishKeywords

# How many FAQ entries vote, and how fast their vote falls with the score (weight =
# (score / best score) ** VOTE_SHARPNESS). The entries are the fused search's (lexical ranker
# and sentence encoders: the nearest in meaning vote too). Fused scores are min-max scaled per
# view, so the nearest entries lie close together and the vote must be sharper than on BM25
# alone: on the Amagasaki dev questions (routing top-1 of 135) sharpness 4 → 0.778,
# 6 → 0.807-0.815, 8 → 0.815-0.822, 12 → 0.815, 16 → 0.785 (classifier weight 0.25-0.75);
# chosen per fold by 5-fold cross-validation, held-out top-1 0.807. The middle of the plateau.
FAQ_VOTERS = 10
_JAPANESE_SCRIPT = re.compile("[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
VOTE_SHARPNESS = 8.0
# Department profiles: how many are considered, their sharpness, their weight in the sum.
PROFILE_CANDIDATES = 10
PROFILE_SHARPNESS = 4.0
PROFILE_WEIGHT = 0.75
# How much of each answer goes into its department's profile (the opening says the topic).
PROFILE_ANSWER_CHARS = 300
# Weight of the naive Bayes classifier's distribution (classifier.py) in the sum. On the
# Amagasaki dev questions (routing top-1 / top-3, with the CCA-adapted search): 0 → 0.756 /
# 0.926, 0.25 → 0.778 / 0.911, 0.5 → 0.770 / 0.911, 1 → 0.770 / 0.904; classifier alone 0.541.
CLASSIFIER_WEIGHT = 0.5
# Fused search score at which the evidence counts as a full match (confidence not damped).
FULL_MATCH_SCORE = 2.5


@dataclass(frozen=True)
class DepartmentProfile:  # from the directory
    code: str
    name: str
    handles: str  # what the department handles, free text
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class RoutingDecision:
    department: str  # code
    confidence: float  # 0..1
    alternatives: list[tuple[str, float]]  # next best two (code, confidence)


UNKNOWN_DEPARTMENT = ""
ROUTE_MEMO_SIZE = 512


class DepartmentRouter:
    def __init__(
        self,
        departments: list[DepartmentProfile],
        faq: FaqIndex,
        directory: FaqIndex | None,
        classifier: NaiveBayesRouter | None = None,
    ) -> None:
        self.departments = {d.code: d for d in departments}
        self.faq = faq
        self._directory = directory
        self._classifier = classifier
        self._english = EnglishKeywords.build((d.code, d.keywords) for d in departments)
        known = [d.code for d in departments]
        for doc in faq.documents:
            if doc.department and doc.department not in self.departments:
                known.append(doc.department)
        self._codes = list(dict.fromkeys(known))
        # prior: share of FAQ entries per department (tie-breaker and fallback)
        counts: dict[str, float] = dict.fromkeys(self._codes, 0.0)
        for doc in faq.documents:
            if doc.department:
                counts[doc.department] += 1.0
        total = sum(counts.values())
        self._prior = {c: (v / total if total else 0.0) for c, v in counts.items()}
        # The decisions of this router (one knowledge build) per text: the actions of one report
        # route its description several times (asks, danger advice, the case), and the action
        # server routes it first outside its write transaction (actions/prepare.py).
        self._decisions = lru_cache(maxsize=ROUTE_MEMO_SIZE)(self._route)

    @classmethod
    def build(
        cls,
        departments: list[DepartmentProfile],
        faq: FaqIndex,
        analyses: TextAnalyses | None = None,
    ) -> DepartmentRouter:
        """`analyses`: the memo the FAQ index was built with, so that the profiles reuse its
        analyses of the questions and answers instead of tokenizing them again."""
        analyses = analyses or TextAnalyses(faq.analyzer)
        # Per department, its texts (identical texts once) and their analyses.
        questions: dict[str, dict[str, Analysis]] = {}
        answers: dict[str, dict[str, Analysis]] = {}
        for d in departments:
            questions[d.code] = {text: analyses.of(text) for text in (d.name, *d.keywords)}
            answers[d.code] = {d.handles: analyses.of(d.handles)}
        for doc in faq.documents:
            if not doc.department:
                continue
            body = answer_body(doc.answer)
            opening = body[:PROFILE_ANSWER_CHARS]
            questions.setdefault(doc.department, {})
            answers.setdefault(doc.department, {})
            if doc.question not in questions[doc.department]:
                questions[doc.department][doc.question] = analyses.of(doc.question)
            if opening not in answers[doc.department]:
                answers[doc.department][opening] = analyses.opening(body, PROFILE_ANSWER_CHARS)
        profiles = [
            FaqDocument(
                faq_id=code,
                question=" 。".join(questions[code]),
                answer=" 。".join(answers.get(code, {})),
                department=code,
            )
            for code in questions
        ]
        terms = [
            (
                TextAnalyses.joined(questions[code].values()),
                TextAnalyses.joined(answers.get(code, {}).values()),
            )
            for code in questions
        ]
        directory = FaqIndex.from_analyses(profiles, terms, faq.analyzer) if profiles else None
        samples = [
            (analyses.of(" 。".join((d.name, *d.keywords, d.handles)))["w"], d.code)
            for d in departments
        ] + [
            (words, doc.department)
            for doc, words in zip(faq.documents, faq.document_words(), strict=True)
            if doc.department
        ]
        classifier = NaiveBayesRouter.train(samples, faq.analyzer) if samples else None
        return cls(departments, faq, directory, classifier)

    @staticmethod
    def _shares(pairs: list[tuple[str, float]], best: float, sharpness: float) -> dict[str, float]:
        votes: dict[str, float] = {}
        if best <= 0:
            return votes
        for code, score in pairs:
            if code and score > 0:
                votes[code] = votes.get(code, 0.0) + (score / best) ** sharpness
        total = sum(votes.values())
        return {c: v / total for c, v in votes.items()} if total > 0 else {}

    def scores(self, text: str) -> tuple[dict[str, float], float]:
        """Vote per department (shares of the two sources added) and the strength of the best
        evidence (the best fused FAQ search score)."""
        japanese = _JAPANESE_SCRIPT.search(text) is not None
        if not japanese:
            # English: a directory keyword the citizen used names the department outright
            named = self._english.votes(text)
            if named:
                return named, FULL_MATCH_SCORE
        scored = self.faq.score(text)
        # the strength of the evidence (the confidence's damping) is the lexical ranker's: fused
        # scores are min-max scaled per query, so their top is high even when nothing really
        # matches (宇宙旅行の申し込み)
        ranker = scored.views.get("lexical", scored.scores)
        # An inquiry in another script (English): the Japanese entries nearest in meaning follow
        # its incidental words ("dumped … behind the park" → the park entries) and outvote the
        # directory's English keywords; the entries vote by their words only then.
        votes_by = scored.scores if japanese else ranker
        hits = self.faq.hits_of(votes_by, FAQ_VOTERS)
        top = hits[0].score if hits else 0.0
        strength = float(ranker.max()) if hits and len(ranker) else 0.0
        # the nearest entries' vote counts in full only when they match well
        faq_weight = min(1.0, top / FULL_MATCH_SCORE)
        votes = {
            code: faq_weight * share
            for code, share in self._shares(
                [(self.faq.document(h.faq_id).department or "", h.score) for h in hits],
                top,
                VOTE_SHARPNESS,
            ).items()
        }
        if self._directory is not None:
            prof = self._directory.search(text, top=PROFILE_CANDIDATES)
            if prof:
                shares = self._shares(
                    [(h.faq_id, h.score) for h in prof], prof[0].score, PROFILE_SHARPNESS
                )
                for code, share in shares.items():
                    votes[code] = votes.get(code, 0.0) + PROFILE_WEIGHT * share
                if not hits:
                    strength = prof[0].score
        if self._classifier is not None and votes:
            # only alongside search evidence: the classifier always has an opinion
            for code, share in self._classifier.distribution(text).items():
                votes[code] = votes.get(code, 0.0) + CLASSIFIER_WEIGHT * share
        return votes, strength

    def route(self, text: str) -> RoutingDecision:
        """The department for `text` (memoised per text: see __init__)."""
        return self._decisions(text)

    def _route(self, text: str) -> RoutingDecision:
        votes, strength = self.scores(text)
        if not votes:
            ranked = sorted(self._prior.items(), key=lambda kv: -kv[1])[:3]
            if not ranked:
                return RoutingDecision(UNKNOWN_DEPARTMENT, 0.0, [])
            return RoutingDecision(ranked[0][0], 0.0, [(c, 0.0) for c, _ in ranked[1:]])
        total = sum(votes.values())
        damp = float(np.clip(strength / FULL_MATCH_SCORE, 0.0, 1.0))
        ranked = sorted(
            ((c, v / total * damp) for c, v in votes.items()),
            key=lambda kv: (-kv[1], -self._prior.get(kv[0], 0.0), kv[0]),
        )
        if len(ranked) < 3:  # fill the alternatives from the prior
            seen = {c for c, _ in ranked}
            for code, _ in sorted(self._prior.items(), key=lambda kv: -kv[1]):
                if len(ranked) >= 3:
                    break
                if code not in seen:
                    ranked.append((code, 0.0))
        top_code, top_conf = ranked[0]
        alternatives = [(c, round(float(s), 4)) for c, s in ranked[1:3]]
        return RoutingDecision(
            top_code, round(float(min(max(top_conf, 0.0), 1.0)), 4), alternatives
        )
