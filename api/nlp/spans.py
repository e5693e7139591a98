"""The `Span` value type, our labels, and overlap resolution on character offsets.

Pure Python (no spaCy) so that the regex rules and the logging filter can use it cheaply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Labels produced by the deterministic rules (api.nlp.rules).
PHONE = "PHONE"
EMAIL = "EMAIL"
MY_NUMBER = "MY_NUMBER"
POSTAL_CODE = "POSTAL_CODE"
ADDRESS = "ADDRESS"
# Labels produced by ja_ginza's NER (mapped from ENE labels in api.nlp.pipeline).
PERSON = "PERSON"
PLACE = "PLACE"
FACILITY = "FACILITY"
DATE = "DATE"

RULE_LABELS = frozenset({PHONE, EMAIL, MY_NUMBER, POSTAL_CODE, ADDRESS})
NER_LABELS = frozenset({PERSON, PLACE, FACILITY, DATE})
PERSONAL_LABELS = frozenset({PERSON, PHONE, EMAIL, MY_NUMBER, ADDRESS, POSTAL_CODE})

# When two rule matches overlap, the more specific format wins: an e-mail address can contain
# a phone number, a My Number is never a phone number, and a phone number must not be read as
# an address ("電話03-1234-5678" looks like town + block number to the address rule).
RULE_PRIORITY = {EMAIL: 5, MY_NUMBER: 4, PHONE: 3, POSTAL_CODE: 2, ADDRESS: 1}


@dataclass(frozen=True)
class Span:
    label: str  # one of RULE_LABELS | NER_LABELS
    text: str  # exactly original_text[start:end]
    start: int  # character offsets into the original text
    end: int


def make_span(text: str, label: str, start: int, end: int) -> Span:
    return Span(label=label, text=text[start:end], start=start, end=end)


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def resolve_rule_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Keep a non-overlapping subset: higher priority first, then longer, then earlier."""
    ranked = sorted(
        spans, key=lambda s: (-RULE_PRIORITY.get(s.label, 0), -(s.end - s.start), s.start)
    )
    kept: list[Span] = []
    for span in ranked:
        if not any(overlaps(span, k) for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def _meaningful(piece: str) -> bool:
    """A leftover of an NER span is only worth keeping if it has a letter (kana, kanji, latin)."""
    return any(ch.isalpha() for ch in piece)


def subtract(text: str, span: Span, covers: Iterable[Span]) -> Span | None:
    """What is left of `span` outside `covers`: its longest uncovered piece, if meaningful.

    Rules win over NER, but an NER span that only partly overlaps a rule span keeps its own
    part ("山田太郎090" → "山田太郎"), so a name glued to a phone number is still masked.
    """
    pieces = [(span.start, span.end)]
    for cover in covers:
        next_pieces = []
        for start, end in pieces:
            if cover.end <= start or cover.start >= end:
                next_pieces.append((start, end))
                continue
            if start < cover.start:
                next_pieces.append((start, cover.start))
            if cover.end < end:
                next_pieces.append((cover.end, end))
        pieces = next_pieces
    best: Span | None = None
    for start, end in pieces:
        # Trim spaces and punctuation that an uncovered edge may carry.
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        if _meaningful(text[start:end]) and (best is None or end - start > best.end - best.start):
            best = make_span(text, span.label, start, end)
    return best


def merge(text: str, rule_spans: Iterable[Span], ner_spans: Iterable[Span]) -> list[Span]:
    """Rule spans (already non-overlapping) plus what NER spans keep outside them; sorted."""
    rules = sorted(rule_spans, key=lambda s: s.start)
    merged = list(rules)
    for ner in sorted(ner_spans, key=lambda s: s.start):
        rest = subtract(text, ner, [r for r in rules if overlaps(r, ner)])
        if rest is not None and not any(overlaps(rest, m) for m in merged):
            merged.append(rest)
    return sorted(merged, key=lambda s: s.start)
