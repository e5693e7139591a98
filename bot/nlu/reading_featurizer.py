"""Character n-grams of the readings: 住民票, じゅうみんひょう and ジュウミンヒョウ look alike.

Citizens type kana where the training data has kanji (ごみのひ, そだいごみ, じゅうみんひょう),
and the surface n-grams of the two share nothing. This featurizer is Rasa's
CountVectorsFeaturizer over a different view of each token: its katakana reading (UniDic's,
from the FugashiTokenizer), or, for words UniDic has no reading for, the surface with
hiragana turned into katakana. Training, persistence and loading are the parent's.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.fugashi_tokenizer import READING

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


def katakana(text: str) -> str:
    return text.translate(_HIRAGANA_TO_KATAKANA)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class ReadingCountVectorsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer over token readings (katakana) instead of surfaces or lemmas."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **CountVectorsFeaturizer.get_default_config(),
            "analyzer": "char_wb",
            "min_ngram": 2,
            "max_ngram": 3,
        }

    def _get_message_tokens_by_attribute(self, message: Message, attribute: str) -> list[str]:
        if attribute != TEXT:
            return super()._get_message_tokens_by_attribute(message, attribute)
        return [
            katakana(token.get(READING) or token.text)
            for token in message.get(TOKENS_NAMES[attribute]) or []
        ]
