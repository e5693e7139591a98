"""Grouping short texts by topic (the unanswered questions, the cases' summaries): texts that
share most of their content words go together. Deterministic: the same texts in the same order
always give the same groups."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import jatext
from api.faq.search.analyzer import Analyzer

# Share of the shorter text's content words that must also be in the group's first text.
SIMILARITY = 0.5


@dataclass(frozen=True)
class TextGroup:
    members: tuple[int, ...]  # indices into the texts, in order
    representative: int  # the member closest to all the others


@lru_cache(maxsize=1)
def _analyzer() -> Analyzer:
    return Analyzer()


def _words(text: str) -> frozenset[str]:
    return frozenset(_analyzer().words(text))


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def group_texts(texts: list[str]) -> list[TextGroup]:
    """Groups, largest first (ties: the one that started earlier)."""
    words = [_words(text) for text in texts]
    seeds: list[int] = []
    members: list[list[int]] = []
    by_text: dict[str, int] = {}  # texts without content words group only with identical ones
    for index, these in enumerate(words):
        if not these:
            key = jatext.normalize(texts[index]).strip()
            if key in by_text:
                members[by_text[key]].append(index)
                continue
            by_text[key] = len(seeds)
            seeds.append(index)
            members.append([index])
            continue
        best, best_score = None, SIMILARITY
        for group, seed in enumerate(seeds):
            score = _similarity(these, words[seed])
            if score >= best_score and (best is None or score > best_score):
                best, best_score = group, score
        if best is None:
            seeds.append(index)
            members.append([index])
        else:
            members[best].append(index)
    groups = []
    for group in members:
        representative = max(
            group,
            key=lambda i: (sum(_similarity(words[i], words[j]) for j in group), -i),
        )
        groups.append(TextGroup(tuple(group), representative))
    groups.sort(key=lambda g: (-len(g.members), g.members[0]))
    return groups
