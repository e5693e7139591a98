"""Answer, ask or pass on, on the demo city's FAQ: questions as citizens type them (kana,
spaces, Kansai, an entry's own alternative wording, one vague word, a topic the FAQ does not
cover). None of these sentences is an entry's text: they are what the guards must catch."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.faq.csv_format import read_faq_csv
from api.faq.search.decision import decide
from api.faq.search.documents import FaqDocument
from api.faq.search.index import FaqIndex
from jatext import normalize, standardize

DEMO_FAQ = Path(__file__).resolve().parents[4] / "demo_city" / "faq.csv"


@pytest.fixture(scope="module")
def demo() -> FaqIndex:
    records, errors = read_faq_csv(DEMO_FAQ)
    assert not errors
    return FaqIndex.build(
        FaqDocument(r.id, r.question, r.answer, r.department, tuple(r.alternatives), tuple(r.tags))
        for r in records
    )


def question_of(index: FaqIndex, query: str) -> tuple[str, list[str]]:
    decision = decide(index, query)
    return decision.decision, [index.document(h.faq_id).question for h in decision.hits]


@pytest.mark.parametrize(
    "query",
    [
        "ごみの ひ は いつ ですか",
        "ごみのひはいつですか",
        "ゴミの日っていつなん？",
        "ごみの日いつなんやけど",
    ],
)
def test_the_collection_day_however_it_is_typed(demo: FaqIndex, query: str) -> None:
    assert question_of(demo, query) == ("answer", ["ごみの収集日を知りたい"])


def test_an_entrys_own_alternative_wording_is_answered(demo: FaqIndex) -> None:
    # listed alternatives of the bulky-waste entry, with the spelling changed (ゴミ → ごみ)
    for query in ("粗大ごみを捨てたい", "ソファーを捨てるにはどうすればいいですか"):
        decision, questions = question_of(demo, query)
        assert decision == "answer" and questions[0].startswith("粗大ごみ")


@pytest.mark.parametrize("query", ["手続き", "税金", "届出"])
def test_one_vague_word_gets_choices(demo: FaqIndex, query: str) -> None:
    decision, questions = question_of(demo, query)
    assert decision == "clarify" and len(questions) >= 2


def test_a_tax_the_faq_does_not_cover_is_not_answered_with_another_tax(demo: FaqIndex) -> None:
    decision, _ = question_of(demo, "入湯税について教えてください")
    assert decision != "answer"


def test_a_question_outside_the_faq_is_passed_on(demo: FaqIndex) -> None:
    assert question_of(demo, "宇宙旅行の申し込みはどこでできますか")[0] == "escalate"


def test_kansai_forms_are_standardized() -> None:
    def std(text: str) -> str:
        return standardize(normalize(text))

    assert std("ごみの ひ は いつ ですか") == "ごみのひはいつですか"
    assert std("カードなくしてもうた") == "カードなくしてしまった"
    assert std("粗大ごみ出されへんの？") == "粗大ごみ出されないの?"
    assert std("冷蔵庫ほかしたいねんけど") == "冷蔵庫捨てたいのだけど"
    assert std("なんぼかかるん") == "いくらかかるん"
    assert std("ほかの窓口") == "ほかの窓口"  # ほか = other, not ほかす
    assert std("hello world") == "hello world"  # spaces between latin words stay


def test_one_shared_word_stays_vague_even_if_an_entry_is_worded_so(demo: FaqIndex) -> None:
    decision, questions = question_of(demo, "ごみ")
    assert decision == "clarify" and len(questions) >= 2
