"""English reports routed by the directory's English keywords, word by word: "streetlight",
"pothole", "resident tax", "nursery school" (demo_city/departments.yml lists them beside the
Japanese ones). The Japanese search matches English only by its letters, and its nearest
entries follow incidental words ("in front of my house … for a week" → the sports entries
that mention a week); a keyword the citizen used names the department outright.

A keyword of several words counts when all of them are in the report (in any order), and
weighs as many words as it has, so "property tax" outweighs "tax"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from api.faq.english import words

_LATIN_KEYWORD = re.compile(r"^[A-Za-z][A-Za-z0-9 '\-]*$")


@dataclass(frozen=True)
class EnglishKeywords:
    """Per department, its English keywords as sets of stemmed words."""

    keywords: tuple[tuple[str, frozenset[str]], ...]  # (department code, stemmed words)

    @classmethod
    def build(cls, departments: Iterable[tuple[str, Iterable[str]]]) -> EnglishKeywords:
        """`departments`: (code, keywords); keywords in Japanese are left to the search."""
        found = []
        for code, keywords in departments:
            for keyword in keywords:
                stems = frozenset(words(keyword)) if _LATIN_KEYWORD.match(keyword) else None
                if stems:
                    found.append((code, stems))
        return cls(tuple(found))

    def votes(self, text: str) -> dict[str, float]:
        """Department → the weight of its keywords found in `text` (only the most specific:
        "property tax" found, "tax" no longer counts for another department)."""
        said = set(words(text))
        matched = [(code, stems) for code, stems in self.keywords if stems <= said]
        votes: dict[str, float] = {}
        for code, stems in matched:
            if any(stems < other for _, other in matched):
                continue  # a longer keyword holds these words
            votes[code] = votes.get(code, 0.0) + len(stems)
        return votes
