"""A citizen who types only a topic (マイナンバーカード) has not said which of the entries about
it they mean: when several entries ask about it in their questions, the bot offers them rather
than answering one. A topic one entry's question holds (粗大ごみ) is still answered. On the demo
city, with the sentence encoders (the product's default) and without them."""

from __future__ import annotations

import pytest

import jatext
from api.faq.search.decision import asked_in_questions, decide
from api.faq.search.index import FaqIndex
from tests.api.faq.search.test_bulky_waste import demo  # noqa: F401  (the demo city's index)

MAKE_A_CARD, LOST_CARD = "M0017", "M0018"


@pytest.mark.parametrize(
    "query", ["マイナンバーカード", "マイナンバーカード？", "マイナンバー カード"]
)
def test_a_topic_several_questions_ask_about_gets_choices(
    demo: FaqIndex,  # noqa: F811
    query: str,
) -> None:
    decision = decide(demo, query)
    assert decision.decision == "clarify"
    assert {MAKE_A_CARD, LOST_CARD} <= {hit.faq_id for hit in decision.hits}


def test_saying_what_about_the_topic_is_answered(demo: FaqIndex) -> None:  # noqa: F811
    decision = decide(demo, "マイナンバーカードをなくしました")
    assert (decision.decision, [h.faq_id for h in decision.hits]) == ("answer", [LOST_CARD])


def test_a_topic_one_question_holds_is_not_made_vague(demo: FaqIndex) -> None:  # noqa: F811
    decision = decide(demo, "粗大ごみ")
    assert [h.faq_id for h in decision.hits] == ["M0001"]
    if demo.meaning:  # the lexical rule alone is not sure enough to answer a bare topic
        assert decision.decision == "answer"


def test_what_names_a_topic() -> None:
    assert jatext.names_only("マイナンバーカード")
    assert jatext.names_only("児童手当？")
    assert not jatext.names_only("マイナンバーカードをなくしました")
    assert not jatext.names_only("")


def test_questions_holding_the_words(demo: FaqIndex) -> None:  # noqa: F811
    words = demo.query_terms("マイナンバーカード").words
    assert asked_in_questions(demo, words) >= 2
    assert asked_in_questions(demo, demo.query_terms("粗大ごみ").words) == 1


@pytest.mark.parametrize("query", ["ごみ出したいんやけど", "ゴミ出しについて"])
def test_a_compound_the_faq_never_writes_is_not_outside_it(
    demo: FaqIndex,  # noqa: F811
    query: str,
) -> None:
    """UniDic reads ごみ出し as one word (lemma 塵出し) that no entry uses; the entries write
    ごみ, so the citizen gets the garbage entries to choose from, not 「見つかりませんでした」."""
    decision = decide(demo, query)
    assert decision.decision != "escalate"
    garbage = demo.document("M0001").department  # ごみ減量推進課
    assert decision.hits
    assert all(demo.document(h.faq_id).department == garbage for h in decision.hits)


def test_a_question_outside_the_faq_is_still_passed_on(demo: FaqIndex) -> None:  # noqa: F811
    assert decide(demo, "宇宙旅行の申し込み").decision == "escalate"


@pytest.mark.parametrize(
    "query", ["市役所は何時まで？", "市役所は何時まで", "しやくしょ　何時から"]
)
def test_an_entrys_own_listed_wording_is_answered_with_it(
    demo: FaqIndex,  # noqa: F811
    query: str,
) -> None:
    """M0111 lists 「市役所は何時まで？」: asked so, it is the answer, although its only content
    word the analyzer keeps (役所) is shared by several entries."""
    decision = decide(demo, query)
    assert (decision.decision, [h.faq_id for h in decision.hits]) == ("answer", ["M0111"])


def test_a_shared_word_alone_still_gets_choices(demo: FaqIndex) -> None:  # noqa: F811
    assert decide(demo, "市役所").decision == "clarify"
