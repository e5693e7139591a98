"""Intents that need evidence in the message before they may win.

A statistical classifier learns whatever correlates with an intent in its training data; a
status lookup nearly always carries a case number, so a report or a question that merely
contains digits (a phone number, a date, a house number) can look like one. This component
runs after the classifier: when the top intent has preconditions (a named entity, or one of
a few words) and the message meets none of them, the intent is struck from the ranking and
the rest renormalised — the classifier's own judgement of what else the message is.
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


def _compile(spec: dict[str, Any]) -> tuple[frozenset[str], re.Pattern[str] | None]:
    entities = frozenset(spec.get("entities") or ())
    words = [jatext.normalize(str(w)) for w in spec.get("words") or ()]
    pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None
    return entities, pattern


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentPreconditions(GraphComponent, IntentClassifier):
    """Strikes a top intent whose message has none of the entities or words it needs."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # {intent: {"entities": [entity, ...], "words": [word, ...]}}: one of them must occur
        return {PRECONDITIONS: {}}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
        self._rules = {
            intent: _compile(spec or {})
            for intent, spec in (config.get(PRECONDITIONS) or {}).items()
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

    def meets(self, intent: str, message: Message) -> bool:
        rule = self._rules.get(intent)
        if rule is None:
            return True
        entities, pattern = rule
        found = {e.get(ENTITY_ATTRIBUTE_TYPE) for e in message.get(ENTITIES) or []}
        if entities & found:
            return True
        text = jatext.normalize(message.get(TEXT) or "").replace(" ", "")
        return bool(pattern and pattern.search(text))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if not intent or self.meets(intent, message):
                continue
            ranking = [
                dict(r)
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get(INTENT_NAME_KEY) != intent
            ]
            total = sum(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0 for r in ranking)
            if not ranking or total <= 0:
                continue  # nothing else to choose: leave the classifier's answer
            for r in ranking:
                r[PREDICTED_CONFIDENCE_KEY] = (r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) / total
            ranking.sort(key=lambda r: -r[PREDICTED_CONFIDENCE_KEY])
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
        return messages
