"""English questions about entries the city wrote only in Japanese, with the real encoders on
the demo city's FAQ: answered when every encoder agrees and is near, choices when something is
near, nothing for what is not the city's business."""

from __future__ import annotations

import csv

import pytest

from api.faq.english import decide_english, meaning_decision
from api.faq.search import FaqDocument, FaqIndex
from api.faq.search.encoders import default_encoders
from api.faq.search.meaning import MeaningView
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def demo_index() -> FaqIndex:
    with (REPO_ROOT / "demo_city" / "faq.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    documents = [
        FaqDocument(
            faq_id=r["id"],
            question=r["question"],
            answer=r["answer"],
            department=r["department"],
            alternatives=tuple(a for a in (r.get("alternatives") or "").split("|") if a),
        )
        for r in rows
    ]
    meaning = {
        kind: MeaningView.build(kind, encoder, documents)
        for kind, encoder in default_encoders().items()
    }
    return FaqIndex.build(documents, meaning=meaning)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("I lost my My Number card", "M0018"),  # マイナンバーカードをなくしました
        ("Where do I submit a marriage registration?", "M0021"),  # 婚姻届
        ("I want to throw away a TV and a fridge", "M0006"),  # テレビや冷蔵庫…を処分したい
        ("The street light is out", "M0074"),  # 街灯が切れています
    ],
)
def test_a_japanese_only_entry_answers_an_english_question(
    demo_index: FaqIndex, question: str, entry: str
) -> None:
    decision = decide_english(demo_index, question)
    assert decision is not None and not decision.english
    assert (decision.decision, [h.faq_id for h in decision.hits]) == ("answer", [entry])


@pytest.mark.parametrize(
    "question",
    [
        "What is the weather tomorrow?",
        "What is the stock price of Toyota?",
        "I want to book a flight to Osaka",
        "Who won the baseball game?",
    ],
)
def test_what_is_not_the_citys_business_finds_nothing(demo_index: FaqIndex, question: str) -> None:
    assert meaning_decision(demo_index, question) is None


def test_without_a_gating_encoder_nothing_is_guessed(demo_index: FaqIndex) -> None:
    e5_only = FaqIndex.build(list(demo_index.documents), meaning={"e5": demo_index.meaning["e5"]})
    assert meaning_decision(e5_only, "I lost my My Number card") is None
