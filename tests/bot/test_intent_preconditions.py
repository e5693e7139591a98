"""The intent preconditions as config.yml configures them: a one-word topic (ピアノ, こたつ) is
never taken for small talk, while every small-talk phrase of the training data still is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intent_preconditions import IntentPreconditions, is_bare_noun

REPO_ROOT = Path(__file__).resolve().parents[2]
SMALL_TALK = ("greet", "thank", "goodbye", "affirm", "deny")


@pytest.fixture(scope="module")
def component() -> IntentPreconditions:
    config = yaml.safe_load((REPO_ROOT / "config.yml").read_text(encoding="utf-8"))
    [spec] = [c for c in config["pipeline"] if c["name"].endswith("IntentPreconditions")]
    return IntentPreconditions({**IntentPreconditions.get_default_config(), **spec})


def _classified(text: str, ranking: list[tuple[str, float]]) -> Message:
    rows = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={TEXT: text, INTENT: dict(rows[0]), INTENT_RANKING_KEY: rows})


def _intent(component: IntentPreconditions, message: Message) -> dict[str, Any]:
    [processed] = component.process([message])
    return processed.get(INTENT)


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        # what the trained classifier said of these words before the guard
        ("ピアノ", [("greet", 0.87), ("affirm", 0.03), ("goodbye", 0.02), ("faq_question", 0.02)]),
        ("こたつ", [("greet", 0.73), ("affirm", 0.14), ("goodbye", 0.04), ("faq_question", 0.03)]),
        ("マイナンバーカード", [("affirm", 0.6), ("deny", 0.3), ("faq_question", 0.1)]),
        ("ダメージ", [("deny", 0.7), ("faq_question", 0.3)]),  # not ダメ
        ("バイク", [("goodbye", 0.8), ("faq_question", 0.2)]),  # not バイ
        ("粗大ごみ。", [("thank", 0.5), ("report_problem", 0.1), ("faq_question", 0.4)]),
    ],
)
def test_a_one_word_topic_goes_past_small_talk(
    component: IntentPreconditions, text: str, ranking: list[tuple[str, float]]
) -> None:
    intent = _intent(component, _classified(text, ranking))
    assert intent["name"] == "faq_question"
    assert intent["confidence"] > 0.5  # renormalised over what is left


def test_strikes_repeat_until_an_intent_meets_its_preconditions(
    component: IntentPreconditions,
) -> None:
    """A phone number typed alone: not a stop (no stopping word), not a greeting (a bare
    noun without a greeting word)."""
    message = _classified("090-1234-5678", [("stop", 0.6), ("greet", 0.3), ("inform", 0.1)])
    assert _intent(component, message)["name"] == "inform"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("こんにちは", "greet"),  # an interjection, not a noun
        ("ピアノを処分したい", "greet"),  # a sentence: the classifier's own judgement stays
        ("了解", "affirm"),
        ("オッケー！", "affirm"),
        ("サンキュー", "thank"),
        ("バイバイ", "goodbye"),
        ("ok", "affirm"),  # Latin words are not Japanese nouns here
    ],
)
def test_small_talk_and_sentences_are_left_as_classified(
    component: IntentPreconditions, text: str, intent: str
) -> None:
    message = _classified(text, [(intent, 0.8), ("faq_question", 0.2)])
    assert _intent(component, message)["name"] == intent


def _examples(intent: str) -> list[str]:
    found = []
    for path in sorted((REPO_ROOT / "nlu_data" / "nlu").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if item.get("intent") == intent:
                found += [
                    line.strip()[2:]
                    for line in item["examples"].splitlines()
                    if line.strip().startswith("- ")
                ]
    return found


@pytest.mark.parametrize("intent", SMALL_TALK)
def test_every_small_talk_example_of_the_training_data_survives(
    component: IntentPreconditions, intent: str
) -> None:
    examples = _examples(intent)
    assert len(examples) > 20
    struck = [
        text
        for text in examples
        if _intent(component, _classified(text, [(intent, 0.9), ("faq_question", 0.1)]))["name"]
        != intent
    ]
    assert struck == []


def test_bare_nouns() -> None:
    assert is_bare_noun("マイナンバーカード")
    assert is_bare_noun("粗大ごみ？")
    assert not is_bare_noun("粗大ごみを出したい")
    assert not is_bare_noun("こんにちは")
    assert not is_bare_noun("piano")
    assert not is_bare_noun("")
