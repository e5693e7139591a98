"""Danger signals in an English report: the same five kinds as the Japanese lexicon (fire, gas,
injury, accident, hazard), as word patterns over the lowercased text. A signal that a negation
shortly precedes ("no one is hurt", "not dangerous", "nobody was injured") does not count.
Deterministic and explainable, like the Japanese reading: the matched words go to the case
history."""

from __future__ import annotations

import re

# (the Danger's value, pattern): whole words, plural and tense variants written out
_SIGNALS: tuple[tuple[str, str], ...] = (
    (
        "fire",
        r"fire(?! hydrant| station| extinguisher| department)|burning|flames?|blaze|"
        r"smoke (?:is )?(?:coming|rising|pouring)|smoke from|(?:black|thick|lots of) smoke|"
        r"smell(?:s|ing)? (?:of )?(?:smoke|burning)|smoky",
    ),
    ("gas", r"gas leak(?:ing|s)?|smell(?:s|ing)? (?:of )?gas|gas smell|leaking gas"),
    (
        "injury",
        r"injur(?:y|ies|ed)|hurt|bleeding|unconscious|collapsed? (?:person|man|woman)|"
        r"(?:person|man|woman|child|someone|somebody) (?:has )?collapsed|drowning|"
        r"(?:is|are|got|been) trapped|broken (?:leg|arm|bone)|ambulance",
    ),
    ("accident", r"accident|crash(?:ed)?|collision|hit and run|hit-and-run"),
    (
        "hazard",
        r"sinkholes?|cave[ds]? in|collaps(?:e|ed|ing)|fallen trees?|trees? (?:has |have )?"
        r"(?:fell|fallen|down|falling)|fell (?:down )?on the road|blocking the road|"
        r"flood(?:ed|ing)?|landslides?|mudslides?|(?:power|electric) (?:line|wire|cable)s? "
        r"(?:is |are |has |have )?(?:down|hanging|fell|fallen)|live wires?|about to fall|"
        r"dangerous|danger|"
        r"burst(?:ing)? (?:pipe|water main)|water (?:gushing|spurting)|deep hole|big hole|"
        r"huge hole|(?:could|might|may|will|would) (?:get |be )?(?:hurt|injured)|"
        r"before (?:someone|somebody|anyone|a child|people) (?:is |are |gets |get )?"
        r"(?:hurt|injured)",
    ),
)
_COMPILED = tuple((danger, re.compile(rf"\b(?:{pattern})\b")) for danger, pattern in _SIGNALS)
# A negation this close before a signal cancels it: "no one is hurt", "isn't dangerous".
_NEGATION = re.compile(
    r"\b(?:no|not|nobody|no one|none|never|without|isn't|aren't|wasn't|weren't|don't|"
    r"doesn't|didn't|n't)\b(?:\W+\w+){0,2}\W*$"
)
# Someone might be hurt, nobody is yet: a hazard (above), not a call for an ambulance.
_HYPOTHETICAL = re.compile(r"\b(?:could|might|may|will|would|before|until)\b(?:\W+\w+){0,2}\W*$")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def has_english(text: str) -> bool:
    return _LATIN.search(text or "") is not None


def assess_english(text: str) -> list[tuple[str, str]]:
    """(the Danger's value, the words that gave it), in the order of the text."""
    lowered = " ".join((text or "").lower().replace("’", "'").split())
    found: list[tuple[int, str, str]] = []
    for danger, pattern in _COMPILED:
        for match in pattern.finditer(lowered):
            before = lowered[max(0, match.start() - 40) : match.start()]
            if _NEGATION.search(before):
                continue
            if danger == "injury" and _HYPOTHETICAL.search(before):
                continue
            found.append((match.start(), danger, match.group(0)))
    found.sort(key=lambda f: f[0])
    return [(danger, signal) for _, danger, signal in found]
