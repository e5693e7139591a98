"""Personal data written in English: a name the citizen introduces ("My name is John Smith",
"Mr. Tanaka"), an address ("I live at 3-5-2 Kita-machi", "2-14-1 Midori-cho", "12 Oak
Street"). The Japanese rules and GiNZA's NER find neither in English; these patterns mark
them for masking, as precisely as their shape allows (a place that is not where someone
lives, "near Midori-cho 3-chome", is left alone)."""

from __future__ import annotations

import re

from api.nlp.spans import ADDRESS, PERSON, Span, make_span

_NAME_WORD = r"[A-Z][a-zA-Z'\-]+"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}"
# "my name is John Smith", "name: Smith", "I'm Anna Lee", "this is Mr Sato"
_INTRODUCED_NAME = re.compile(
    rf"(?:\b[Mm]y name is|\b[Nn]ame\s*[:：]|\bI am|\bI'm|\b[Tt]his is|\b[Cc]all me)\s+"
    rf"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?(?P<name>{_NAME})"
)
_TITLED_NAME = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+(?P<name>{_NAME})")
# Words after "I am" that are no name: "I am Japanese", "I'm Sorry".
_NOT_NAMES = frozenset(
    str.split(
        """Japanese English American Chinese Korean Vietnamese Filipino Brazilian Nepali
        Sorry Not Very So Worried Afraid Calling Writing Looking Trying Here Living Going New
        A An The In At From On Okay Ok Fine Sure Glad Happy Unable Still Just Also"""
    )
)
_BLOCK = r"\d{1,4}(?:\s*-\s*\d{1,4}){1,3}"
_TOWN = r"[A-Z][a-z]+(?:-[a-z]+)?(?:\s+\d{1,2}-?chome)?"
# A Japanese block address in romaji, either order: "3-5-2 Kita-machi", "Midori-cho 2-14-1"
_ROMAJI_ADDRESS = re.compile(rf"\b{_BLOCK}\s*,?\s+{_TOWN}|\b{_TOWN}\s*,?\s+{_BLOCK}\b")
_WESTERN_ADDRESS = re.compile(
    r"\b\d{1,5}\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd)\b\.?"
)
# What follows "I live at", "my address is", up to the end of the clause.
_STATED_ADDRESS = re.compile(
    r"(?:\b[Ii] live (?:at|in)|\b[Mm]y (?:home )?address is|\b[Aa]ddress\s*[:：])\s+"
    r"(?P<address>[^,.;!?\n]+)"
)


def english_personal_spans(text: str) -> list[Span]:
    """Names and addresses in the English of `text` (overlaps are resolved by the caller)."""
    if not re.search(r"[A-Za-z]", text):
        return []
    spans: list[Span] = []
    for pattern in (_INTRODUCED_NAME, _TITLED_NAME):
        for match in pattern.finditer(text):
            name = match.group("name")
            if name.split()[0] not in _NOT_NAMES:
                spans.append(make_span(text, PERSON, match.start("name"), match.end("name")))
    for pattern in (_ROMAJI_ADDRESS, _WESTERN_ADDRESS):
        spans += [make_span(text, ADDRESS, m.start(), m.end()) for m in pattern.finditer(text)]
    spans += [
        make_span(text, ADDRESS, m.start("address"), m.end("address"))
        for m in _STATED_ADDRESS.finditer(text)
        if any(ch.isdigit() for ch in m.group("address"))  # "I live in Midorino" is no address
    ]
    return spans
