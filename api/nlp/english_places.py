"""Where an English report says the problem is: "near Midori-cho 3-chome", "in front of Chuo
Park", "at the corner of 2nd Street". The Japanese reader (GiNZA's NER) finds no place in
English, so a place phrase is read by its shape: a preposition of place, then a phrase that
names somewhere (a number, a capitalised name, or a landmark word such as station or
park), up to the end of the clause. "on the road" alone names nowhere and is not taken."""

from __future__ import annotations

import re

_PREPOSITIONS = (
    r"in front of|next to|opposite|across from|at the corner of|on the corner of|close to|"
    r"near|nearby|outside|behind|beside|by|along|at|on|in"
)
# Words that name a kind of place: with one of these, "near the station" is a place. A road,
# a street or a house names nowhere without its name ("Chuo Street" has one).
_LANDMARKS = (
    r"station|park|school|avenue|bridge|hospital|library|city hall|"
    r"office|shrine|temple|river|crossing|intersection|corner|junction|apartment|apartments|"
    r"mansion|building|store|shop|supermarket|convenience store|bus stop|parking|playground|"
    r"chome|cho|machi|gym|community center|post office|kindergarten|nursery|church|mall|"
    r"route|exit|entrance|gate|tunnel|underpass|overpass|pedestrian bridge"
)
# Where the phrase ends: punctuation, or a word that starts another clause.
_CLAUSE_END = (
    r"[,.;!?。、]|\s(?:and|but|is|are|was|were|has|have|which|that|where|because|so|it|"
    r"there|since|for|with|when|please|can|could|it's|i|we)\b|$"
)
# Every preposition starts a candidate (overlapping: "in the road near Midori-cho" holds
# "near Midori-cho" too), which runs to the end of its clause.
_PLACE = re.compile(
    rf"\b(?=(?P<phrase>(?:{_PREPOSITIONS})\s+(?P<where>.+?))\s*(?:{_CLAUSE_END}))",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?:^|[\s-])[A-Z][a-z]")
_MAX_WORDS = 8


def _names_somewhere(where: str) -> bool:
    if len(where.split()) > _MAX_WORDS:
        return False
    if re.search(r"\d", where) or _CAPITALISED.search(_without_articles(where)):
        return True
    return re.search(rf"\b(?:{_LANDMARKS})\b", where, re.IGNORECASE) is not None


def _without_articles(where: str) -> str:
    return re.sub(r"^(?:The|A|An|My|Our|This|That)\s+", "", where)


def first_english_place(text: str) -> str | None:
    """The first clause's phrase that says where, as the citizen wrote it, from the first
    preposition whose own words name somewhere: "near Midori-cho 3-chome" out of "in the road
    near Midori-cho 3-chome", all of "on Chuo Street near the library". None when no clause
    says where."""
    clauses: dict[int, list[re.Match[str]]] = {}
    for match in _PLACE.finditer(text or ""):
        clauses.setdefault(match.end("where"), []).append(match)
    for end, candidates in clauses.items():
        for index, match in enumerate(candidates):
            following = candidates[index + 1].start() if index + 1 < len(candidates) else end
            own_words = text[match.start("where") : following].strip()
            if own_words and _names_somewhere(own_words):
                return text[match.start() : end].strip()
    return None
