"""English words as the bot and the English FAQ search compare them: lowercased, possessives
and plurals folded (streetlights → streetlight, city's → city). UniDic has no English: fugashi
gives each Latin word as an unknown noun and cuts "can't" into can ' t, so the tokenizer
joins such runs and takes its lemma from here. Standard library only."""

from __future__ import annotations

import re

LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'’]*$")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Words ending in s that are not plurals (does → doe would be wrong).
_NOT_PLURAL = frozenset(
    str.split(
        """does goes yes bus gas this his has was is as us its news series species always perhaps
        sometimes whereas towards afterwards downstairs upstairs lens christmas canvas atlas
        alias bonus campus census thesis basis crisis analysis diabetes measles mumps rabies
        herpes physics politics mathematics economics"""
    )
)


def lemma(word: str) -> str:
    """The form an English word is compared by."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if "'" in word or word in _NOT_PLURAL:
        return word  # a contraction (can't, don't) or a word that only looks plural
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]  # glasses, boxes, benches, dishes
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The English words of a text, as lemmas, in order."""
    return [lemma(w) for w in _WORD.findall(text.lower().replace("’", "'"))]
