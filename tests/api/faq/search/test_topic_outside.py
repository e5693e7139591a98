"""A question whose topic the city's FAQ never mentions, asked with a generic word the FAQ
uses in many entries (パスポートを申請したい: the demo city has no passport entry, and 申請 is in
15 % of its entries), is passed on to staff: answering the entry that best matches 申請 (the My
Number card's) would be a confident wrong answer. A word the entries write inside a longer one
(粗大 in 粗大ごみ) is not such a topic. On the demo city, with and without the encoders."""

from __future__ import annotations

import pytest

from api.faq.search.decision import GENERIC_SHARE, decide, topic_outside
from api.faq.search.documents import FaqDocument
from api.faq.search.index import FaqIndex
from tests.api.faq.search.test_bulky_waste import demo  # noqa: F401  (the demo city's index)


@pytest.mark.parametrize(
    "query", ["パスポートを申請したい", "パスポートの申請をしたいです", "ビザの申請をしたい"]
)
def test_a_topic_the_faq_never_mentions_is_passed_on(
    demo: FaqIndex,  # noqa: F811
    query: str,
) -> None:
    assert demo.word_frequency("申請") >= GENERIC_SHARE * len(demo)  # the premise: generic
    decision = decide(demo, query)
    assert (decision.decision, decision.hits) == ("escalate", [])


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        ("マイナンバーカードを申請したい", "M0017"),  # the topic is the FAQ's: answered
        ("粗大の申請", "M0001"),  # 粗大 is written inside 粗大ごみ
    ],
)
def test_a_topic_the_faq_writes_is_not_passed_on(
    demo: FaqIndex,  # noqa: F811
    query: str,
    entry: str,
) -> None:
    decision = decide(demo, query)
    assert decision.decision != "escalate"
    assert decision.hits[0].faq_id == entry


def test_a_generic_word_alone_still_gets_choices(demo: FaqIndex) -> None:  # noqa: F811
    decision = decide(demo, "申請したい")
    assert decision.decision == "clarify" and len(decision.hits) >= 2


def _index() -> FaqIndex:
    """Twenty entries that all say 申請 (generic); one says 粗大ごみ, one 児童手当."""
    documents = [
        FaqDocument(f"F{i}", f"書類{i}の申請について", f"書類{i}は窓口で申請できます。", "dept")
        for i in range(18)
    ]
    documents += [
        FaqDocument("BULKY", "粗大ごみの申請", "粗大ごみは電話で申請してください。", "waste"),
        FaqDocument("CHILD", "児童手当の申請", "児童手当は窓口で申請できます。", "kids"),
    ]
    return FaqIndex.build(documents)


def test_the_rule_needs_an_unwritten_topic_and_only_generic_shared_words() -> None:
    index = _index()

    def pairs(query: str) -> list[tuple[str, str]]:
        return index.query_terms(query).pairs

    assert topic_outside(index, pairs("パスポートを申請したい"))
    assert not topic_outside(index, pairs("申請したい"))  # no unwritten word
    assert not topic_outside(index, pairs("パスポート"))  # nothing shared with the FAQ
    assert not topic_outside(index, pairs("児童手当の申請"))  # every word is the FAQ's
    assert not topic_outside(index, pairs("パスポートと児童手当の申請"))  # 児童手当 is specific
    assert not topic_outside(index, pairs("粗大の申請"))  # written inside 粗大ごみ


def test_in_a_small_faq_no_word_is_generic() -> None:
    """Four entries: each word is in a quarter of them, yet in too few to be generic."""
    index = FaqIndex.build(
        [
            FaqDocument(f"F{i}", f"書類{i}の申請", f"書類{i}は窓口で申請できます。", "d")
            for i in range(4)
        ]
    )
    assert not topic_outside(index, index.query_terms("パスポートを申請したい").pairs)


def test_what_the_entries_write() -> None:
    index = _index()
    assert index.writes("粗大") and index.writes("児童手当")
    assert not index.writes("パスポート")
    assert not index.writes("")
