"""Text analyses memoised for one knowledge build. The FAQ index and the router's department
profiles read the same questions and answer openings; each text is tokenized once, and an
answer's opening is cut from the analysis of the whole answer instead of being analysed again.

An analysis is a dict of lists, one entry per content morpheme except ``c``:
``w`` lemmas, ``p`` (surface, lemma) pairs, ``r`` reading bigrams (``rn`` of them per
morpheme), ``e`` the morpheme's end offset in the prepared text, ``c`` character bigrams.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .analyzer import Analyzer

Analysis = dict[str, list[Any]]
KINDS = ("w", "p", "c", "r", "e", "rn")


class TextAnalyses:
    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self._seen: dict[str, Analysis] = {}

    def of(self, text: str) -> Analysis:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = self._analyse(text)
        return found

    def _analyse(self, text: str) -> Analysis:
        analyzer = self.analyzer
        prepared = analyzer.prepare(text)
        content = analyzer.content(prepared, prepared=True)
        readings = [analyzer.readings_of([m]) for m in content]
        return {
            "w": [m.lemma for m in content],
            "p": [(m.surface, m.lemma) for m in content],
            "c": analyzer.chars(prepared, prepared=True),
            "r": [gram for grams in readings for gram in grams],
            "e": [m.end for m in content],
            "rn": [len(grams) for grams in readings],
        }

    def opening(self, text: str, chars: int) -> Analysis:
        """The analysis of ``text[:chars]``, cut from the analysis of ``text`` (a morpheme is
        kept when it ends within the opening)."""
        if len(text) <= chars:
            return self.of(text)
        whole = self.of(text)
        cut = len(self.analyzer.prepare(text[:chars]))
        kept = sum(1 for end in whole["e"] if end <= cut)
        return {
            "w": whole["w"][:kept],
            "p": whole["p"][:kept],
            "c": self.analyzer.chars(self.analyzer.prepare(text)[:cut], prepared=True),
            "r": whole["r"][: sum(whole["rn"][:kept])],
            "e": whole["e"][:kept],
            "rn": whole["rn"][:kept],
        }

    @staticmethod
    def joined(parts: Iterable[Analysis]) -> Analysis:
        """The analysis of texts joined with " 。" (the separator starts no word or n-gram)."""
        out: Analysis = {kind: [] for kind in KINDS}
        for part in parts:
            for kind in KINDS:
                out[kind].extend(part[kind])
        return out
