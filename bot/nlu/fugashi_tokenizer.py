"""Rasa tokenizer for Japanese and English: MeCab (fugashi + unidic-lite) through ``jatext``.

The API's FAQ search tokenizes with the same ``jatext.tokenize``, so the bot's features and
the search see the same words and lemmas. UniDic has no English: a Latin word comes out as an
unknown noun and "can't" as can ' t. Such runs are joined into one token whose lemma is the
English word's (``jatext.english``: lowercased, plurals folded), so "Streetlights" and
"streetlight" are one word to the featurizers, as 住民票 and じゅうみんひょう are.
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
from jatext import english
from jatext.tokenize import Morpheme, get_tagger

# Token data key of the katakana reading (UniDic's; None for unknown words), for featurizers.
READING = "reading"
# Part of speech given to an English word (UniDic's own tags are Japanese-only).
ENGLISH_POS = "英単語"
APOSTROPHES = frozenset("'’")


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
        tokens = [_token(text, run) for run in _latin_runs(jatext.tokenize(text))]
        if not tokens:
            # Like WhitespaceTokenizer: when nothing is left (empty or blank text), the whole
            # text is one token, so featurizers still get a sequence for the message.
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)


def _latin_runs(morphemes: list[Morpheme]) -> list[list[Morpheme]]:
    """Morphemes grouped: each Latin word (with its apostrophes, no space inside) is one
    group, every other morpheme a group of its own."""
    runs: list[list[Morpheme]] = []
    for m in morphemes:
        latin = bool(english.LATIN_WORD.match(m.surface)) or m.surface in APOSTROPHES
        last = runs[-1] if runs else None
        if (
            latin
            and last is not None
            and last[-1].end == m.start
            and all(english.LATIN_WORD.match(p.surface) or p.surface in APOSTROPHES for p in last)
        ):
            last.append(m)
        else:
            runs.append([m])
    return runs


def _token(text: str, run: list[Morpheme]) -> Token:
    first, last = run[0], run[-1]
    surface = text[first.start : last.end]
    if english.LATIN_WORD.match(surface):
        return Token(
            surface,
            first.start,
            last.end,
            data={"pos": ENGLISH_POS, "pos2": ENGLISH_POS, READING: None},
            lemma=english.lemma(surface),
        )
    return Token(
        first.surface,
        first.start,
        first.end,
        data={"pos": first.pos, "pos2": first.pos2, READING: first.reading},
        lemma=first.lemma,
    )
