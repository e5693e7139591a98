"""Intents that need evidence in the message before they may win.

A statistical classifier learns whatever correlates with an intent in its training data; a
status lookup nearly always carries a case number, so a report or a question that merely
contains digits (a phone number, a date, a house number) can look like one. This component
runs after the classifier: when the top intent has preconditions (a named entity, or one of
a few words) and the message meets none of them, the intent is struck from the ranking and
the rest renormalised — the classifier's own judgement of what else the message is.

A message of nouns alone (ピアノ, こたつ, マイナンバーカード) names a topic: citizens type one
word and expect the city's answer about it. The small-talk intents are learned from a few short
phrases, so an unseen short word can land on them (ピアノ was a greeting at 0.87). Under
`bare_noun_preconditions` such an intent may win a noun-only message only when it is made of
its own words (了解, オッケー, サンキュー …); otherwise it is struck like the others, and the
message goes on to the FAQ search. Strikes repeat until the top intent meets its preconditions.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

import jatext

PRECONDITIONS = "preconditions"
BARE_NOUN_PRECONDITIONS = "bare_noun_preconditions"
# Parts of speech of a message that only names something (UniDic pos1; jatext gives English
# words 名詞 too). Punctuation and symbols do not change what the message is.
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")


def is_bare_noun(text: str) -> bool:
    """Whether the message is Japanese nouns (with their prefixes and suffixes) and nothing
    else. Latin words are left out: UniDic tags every one a noun, so "thank you" would be one."""
    return jatext.names_only(text) and not _LATIN.search(text)


def _compile(spec: dict[str, Any]) -> tuple[frozenset[str], re.Pattern[str] | None]:
    entities = frozenset(spec.get("entities") or ())
    words = [jatext.normalize(str(w)) for w in spec.get("words") or ()]
    pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None
    return entities, pattern


def _compile_whole(spec: dict[str, Any]) -> re.Pattern[str]:
    """A bare noun message is small talk only when it is made of the intent's words and
    nothing else (了解, オッケー, サンキュー): ダメ must not let ダメージ pass."""
    words = sorted({jatext.letters(str(w)) for w in spec.get("words") or ()} - {""}, key=len)
    alternatives = "|".join(re.escape(w) for w in reversed(words))
    return re.compile(f"(?:{alternatives})+" if words else r"(?!)")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentPreconditions(GraphComponent, IntentClassifier):
    """Strikes a top intent whose message has none of the entities or words it needs."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # {intent: {"entities": [entity, ...], "words": [word, ...]}}: one of them must occur;
        # under BARE_NOUN_PRECONDITIONS, only when the message is nouns alone
        return {PRECONDITIONS: {}, BARE_NOUN_PRECONDITIONS: {}}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
        self._rules = {
            intent: _compile(spec or {})
            for intent, spec in (config.get(PRECONDITIONS) or {}).items()
        }
        self._bare_noun_rules = {
            intent: _compile_whole(spec or {})
            for intent, spec in (config.get(BARE_NOUN_PRECONDITIONS) or {}).items()
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentPreconditions:
        return cls(config)

    def meets(self, intent: str, message: Message, bare_noun: bool | None = None) -> bool:
        text = message.get(TEXT) or ""
        small_talk = self._bare_noun_rules.get(intent)
        if small_talk is not None:
            if bare_noun is None:
                bare_noun = is_bare_noun(text)
            if bare_noun and not small_talk.fullmatch(jatext.letters(text)):
                return False
        rule = self._rules.get(intent)
        return rule is None or _satisfied(rule, message)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            bare_noun = is_bare_noun(message.get(TEXT) or "") if self._bare_noun_rules else False
            while True:
                intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
                if not intent or self.meets(intent, message, bare_noun):
                    break
                if not _strike(message, intent):
                    break  # nothing else to choose: leave the classifier's answer
        return messages


def _satisfied(rule: tuple[frozenset[str], re.Pattern[str] | None], message: Message) -> bool:
    entities, pattern = rule
    found = {e.get(ENTITY_ATTRIBUTE_TYPE) for e in message.get(ENTITIES) or []}
    if entities & found:
        return True
    text = jatext.normalize(message.get(TEXT) or "").replace(" ", "")
    return bool(pattern and pattern.search(text))


def _strike(message: Message, intent: str) -> bool:
    """Removes `intent` from the ranking and renormalises the rest; False when nothing is left."""
    ranking = [
        dict(r) for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent
    ]
    total = sum(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0 for r in ranking)
    if not ranking or total <= 0:
        return False
    for r in ranking:
        r[PREDICTED_CONFIDENCE_KEY] = (r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) / total
    ranking.sort(key=lambda r: -r[PREDICTED_CONFIDENCE_KEY])
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    return True
