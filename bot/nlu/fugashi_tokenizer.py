"""Rasa tokenizer for Japanese: MeCab (fugashi + unidic-lite) through ``jatext``.

The API's FAQ search tokenizes with the same ``jatext.tokenize``, so the bot's features and
the search see the same words and lemmas.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

import jatext
from jatext.tokenize import get_tagger

# Token data key of the katakana reading (UniDic's; None for unknown words), for featurizers.
READING = "reading"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class FugashiTokenizer(Tokenizer, GraphComponent):
    """Splits Japanese text into morphemes; lemmas are UniDic's, NFKC + lower case."""

    @staticmethod
    def supported_languages() -> list[str] | None:
        return ["ja"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Rasa's tokenizer options, as in WhitespaceTokenizer; they apply to intent and
            # action names, and token_pattern further splits our tokens.
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["fugashi"]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
    ) -> None:
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        # Load the dictionary now: a broken install fails when the model loads, and the
        # first user message does not pay for it.
        get_tagger()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FugashiTokenizer:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FugashiTokenizer:
        # Nothing is persisted (the dictionary ships with unidic-lite and is not trainable):
        # the config in the model's graph schema is all there is to restore.
        return cls(config, model_storage, resource)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        tokens = [
            Token(
                m.surface,
                m.start,
                m.end,
                data={"pos": m.pos, "pos2": m.pos2, READING: m.reading},
                lemma=m.lemma,
            )
            for m in jatext.tokenize(text)
        ]
        if not tokens:
            # Like WhitespaceTokenizer: when nothing is left (empty or blank text), the whole
            # text is one token, so featurizers still get a sequence for the message.
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)
