from collections.abc import Callable
from pathlib import Path

import pytest
import rasa.engine.validation
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ACTION_NAME, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.fugashi_tokenizer import FugashiTokenizer

CreateTokenizer = Callable[..., FugashiTokenizer]


@pytest.mark.parametrize(
    ("text", "expected_tokens", "expected_offsets"),
    [
        (
            "粗大ごみの出し方を教えてください",
            ["粗大", "ごみ", "の", "出し", "方", "を", "教え", "て", "ください"],
            [(0, 2), (2, 4), (4, 5), (5, 7), (7, 8), (8, 9), (9, 11), (11, 12), (12, 16)],
        ),
        (
            "住民票の写しがほしい",
            ["住民", "票", "の", "写し", "が", "ほしい"],
            [(0, 2), (2, 3), (3, 4), (4, 6), (6, 7), (7, 10)],
        ),
        (
            "ｶﾞｽ漏れ😱です",
            ["ｶﾞｽ", "漏れ", "😱", "です"],
            [(0, 3), (3, 5), (5, 6), (6, 8)],
        ),
        (
            "2026年11月27日に街灯が切れた",
            ["2026", "年", "11", "月", "27", "日", "に", "街灯", "が", "切れ", "た"],
            [
                (0, 4), (4, 5), (5, 7), (7, 8), (8, 10), (10, 11),
                (11, 12), (12, 14), (14, 15), (15, 17), (17, 18),
            ],
        ),
        ("ごみの日\u3000いつ？", ["ごみ", "の", "日", "いつ", "？"],
         [(0, 2), (2, 3), (3, 4), (5, 7), (7, 8)]),
    ],
)  # fmt: skip
def test_tokens_and_offsets(
    create_tokenizer: CreateTokenizer,
    text: str,
    expected_tokens: list[str],
    expected_offsets: list[tuple[int, int]],
) -> None:
    tokens = create_tokenizer().tokenize(Message(data={TEXT: text}), attribute=TEXT)

    assert [t.text for t in tokens] == expected_tokens
    assert [(t.start, t.end) for t in tokens] == expected_offsets


@pytest.mark.parametrize(
    ("text", "expected_lemmas"),
    [
        (
            "粗大ごみの出し方を教えてください",
            ["粗大", "塵", "の", "出す", "方", "を", "教える", "て", "下さる"],
        ),
        ("住民票の写しがほしい", ["住民", "票", "の", "写し", "が", "欲しい"]),
        ("ｶﾞｽ漏れ😱です", ["ガス", "漏れ", "😱", "です"]),
        ("ＡＢＣ１２３", ["abc", "123"]),
    ],
)
def test_lemmas_are_normalized_dictionary_forms(
    create_tokenizer: CreateTokenizer, text: str, expected_lemmas: list[str]
) -> None:
    tokens = create_tokenizer().tokenize(Message(data={TEXT: text}), attribute=TEXT)

    assert [t.lemma for t in tokens] == expected_lemmas


def test_pos_and_reading_in_token_data(create_tokenizer: CreateTokenizer) -> None:
    tokens = create_tokenizer().tokenize(Message(data={TEXT: "街灯が切れた"}), attribute=TEXT)

    assert [t.data for t in tokens] == [
        {"pos": "名詞", "pos2": "普通名詞", "reading": "ガイトウ"},
        {"pos": "助詞", "pos2": "格助詞", "reading": "ガ"},
        {"pos": "動詞", "pos2": "非自立可能", "reading": "キレ"},
        {"pos": "助動詞", "pos2": "*", "reading": "タ"},
    ]


def test_process_sets_text_tokens(create_tokenizer: CreateTokenizer) -> None:
    message = Message(data={TEXT: "住民票の写しがほしい"})

    create_tokenizer().process([message])

    tokens = message.get(TOKENS_NAMES[TEXT])
    assert [t.text for t in tokens] == ["住民", "票", "の", "写し", "が", "ほしい"]


@pytest.mark.parametrize("text", ["", "   ", "\u3000\n"])
def test_blank_text_is_handled_like_whitespace_tokenizer(
    create_tokenizer: CreateTokenizer, text: str
) -> None:
    message = Message(data={TEXT: text})
    reference = Message(data={TEXT: text})

    create_tokenizer().process([message])
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([reference])

    tokens = message.get(TOKENS_NAMES[TEXT])
    assert tokens == reference.get(TOKENS_NAMES[TEXT])
    assert [(t.text, t.start) for t in tokens] == [(text, 0)]


@pytest.mark.parametrize(
    ("flag", "expected_intent_tokens", "expected_action_tokens"),
    [
        (True, ["faq", "garbage", "collection"], ["utter", "faq", "answer"]),
        (False, ["faq_garbage_collection"], ["utter_faq_answer"]),
    ],
)
def test_intent_and_action_names(
    create_tokenizer: CreateTokenizer,
    flag: bool,
    expected_intent_tokens: list[str],
    expected_action_tokens: list[str],
) -> None:
    tokenizer = create_tokenizer(intent_tokenization_flag=flag)
    example = Message(data={TEXT: "粗大ごみの出し方", INTENT: "faq_garbage_collection"})
    action = Message(data={ACTION_NAME: "utter_faq_answer"})

    tokenizer.process_training_data(TrainingData([example]))
    tokenizer.process([action])

    assert [t.text for t in example.get(TOKENS_NAMES[INTENT])] == expected_intent_tokens
    assert [t.text for t in action.get(TOKENS_NAMES[ACTION_NAME])] == expected_action_tokens
    assert [t.text for t in example.get(TOKENS_NAMES[TEXT])] == ["粗大", "ごみ", "の", "出し", "方"]


def test_custom_intent_split_symbol(create_tokenizer: CreateTokenizer) -> None:
    tokenizer = create_tokenizer(intent_tokenization_flag=True, intent_split_symbol="+")
    example = Message(data={TEXT: "こんにちは", INTENT: "greet+faq"})

    tokenizer.process_training_data(TrainingData([example]))

    assert [t.text for t in example.get(TOKENS_NAMES[INTENT])] == ["greet", "faq"]


def test_token_pattern_splits_tokens_further(create_tokenizer: CreateTokenizer) -> None:
    tokenizer = create_tokenizer(token_pattern=r"[A-Z][a-z]*|[a-z]+|\d")

    tokens = tokenizer.tokenize(Message(data={TEXT: "iPhone15の件"}), attribute=TEXT)

    assert [(t.text, t.start) for t in tokens] == [
        ("i", 0), ("Phone", 1), ("1", 6), ("5", 7), ("の", 8), ("件", 9),
    ]  # fmt: skip


def test_load_restores_the_created_tokenizer(
    tmp_path: Path, resource: Resource, execution_context: ExecutionContext
) -> None:
    config = {
        **FugashiTokenizer.get_default_config(),
        "intent_tokenization_flag": True,
        "intent_split_symbol": "+",
    }
    created = FugashiTokenizer.create(
        config, LocalModelStorage(tmp_path / "model"), resource, execution_context
    )

    # A new storage over the same directory, as when the trained model is loaded again.
    loaded = FugashiTokenizer.load(
        config, LocalModelStorage(tmp_path / "model"), resource, execution_context
    )

    text = "ｶﾞｽ漏れ😱です。粗大ごみの出し方を教えてください"
    created_tokens = created.tokenize(Message(data={TEXT: text}), attribute=TEXT)
    loaded_tokens = loaded.tokenize(Message(data={TEXT: text}), attribute=TEXT)
    assert loaded_tokens == created_tokens
    assert [t.data for t in loaded_tokens] == [t.data for t in created_tokens]
    assert (loaded.intent_tokenization_flag, loaded.intent_split_symbol) == (True, "+")


def test_registered_as_a_non_trainable_tokenizer() -> None:
    registered = DefaultV1Recipe._from_registry("bot.nlu.fugashi_tokenizer.FugashiTokenizer")

    assert registered.clazz is FugashiTokenizer
    assert registered.types == {DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER}
    assert registered.is_trainable is False


def test_pipeline_with_the_tokenizer_passes_rasa_validation() -> None:
    config = {
        "recipe": "default.v1",
        "language": "ja",
        "pipeline": [
            {"name": "bot.nlu.fugashi_tokenizer.FugashiTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "KeywordIntentClassifier"},
        ],
    }
    model_configuration = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )

    rasa.engine.validation.validate(model_configuration)


@pytest.mark.parametrize(
    ("text", "expected_tokens", "expected_lemmas"),
    [
        (
            "Streetlights aren't working",
            ["Streetlights", "aren't", "working"],
            ["streetlight", "aren't", "working"],
        ),
        (
            "The city's Garbage Bags?",
            ["The", "city's", "Garbage", "Bags", "?"],
            ["the", "city", "garbage", "bag", "?"],
        ),
        ("pothole at 緑町", ["pothole", "at", "緑町"], ["pothole", "at", "ミドリチョウ"]),
    ],
)
def test_english_words_are_whole_tokens_with_lowercased_lemmas(
    create_tokenizer: CreateTokenizer,
    text: str,
    expected_tokens: list[str],
    expected_lemmas: list[str],
) -> None:
    tokens = create_tokenizer().tokenize(Message(data={TEXT: text}), attribute=TEXT)

    assert [t.text for t in tokens] == expected_tokens
    assert [t.lemma for t in tokens] == expected_lemmas
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert tokens[0].data == {"pos": "英単語", "pos2": "英単語", "reading": None}
