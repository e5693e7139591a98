"""A question that narrows an entry's word by a noun the entry never writes (「ガスの開栓」: the
demo city's 開栓 is the water entry's, and gas is a private utility there) is about another
thing than the entry: the citizen gets choices, not the water entry as a confident answer. The
same words narrowed as the entry narrows them (水道の開栓) are still answered. On the demo city,
with and without the encoders."""

from __future__ import annotations

import pytest

from api.faq.search.analyzer import default_analyzer
from api.faq.search.decision import decide, narrowed_elsewhere
from api.faq.search.documents import FaqDocument
from api.faq.search.index import FaqIndex
from tests.api.faq.search.test_bulky_waste import demo  # noqa: F401  (the demo city's index)

WATER_START = "M0083"


@pytest.mark.parametrize("query", ["ガスの開栓", "ガスの開栓をしたい", "電気の開栓をお願いします"])
def test_another_utility_s_opening_is_not_answered_with_the_water_entry(
    demo: FaqIndex,  # noqa: F811
    query: str,
) -> None:
    decision = decide(demo, query)
    assert decision.decision != "answer"
    assert decision.candidates and decision.candidates[0].faq_id == WATER_START  # the premise


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        ("水道の開栓", WATER_START),
        ("水道の開栓をお願いしたい", WATER_START),
        ("子どもの医療費", "M0049"),  # 子ども in the entry's text as 子ども/子供
        ("犬の登録", "M0109"),
        ("マイナンバーカードの申請", "M0017"),
    ],
)
def test_a_narrowing_the_entry_writes_is_still_answered(
    demo: FaqIndex,  # noqa: F811
    query: str,
    entry: str,
) -> None:
    decision = decide(demo, query)
    assert (decision.decision, [h.faq_id for h in decision.hits]) == ("answer", [entry])


def test_narrowings_are_nouns_joined_by_no() -> None:
    analyzer = default_analyzer()

    def pairs(text: str) -> list[tuple[str, str]]:
        return [(m.surface, h.surface) for m, h in analyzer.narrowings(text)]

    assert pairs("ガスの開栓をしたい") == [("ガス", "開栓")]
    assert pairs("隣の家の木が伸びている") == [("隣", "家"), ("家", "木")]
    assert pairs("ガスを開栓したい") == []  # を: no narrowing
    assert pairs("開栓の日を知りたい") == [("開栓", "日")]


def _index() -> FaqIndex:
    return FaqIndex.build(
        [
            FaqDocument("WATER", "水道を使い始めたい", "開栓の申し込みは水道局へ。", "water"),
            FaqDocument("BULKY", "粗大ごみの出し方", "粗大ごみは申し込みが必要です。", "waste"),
            FaqDocument("PARK", "公園の使用", "市の公園の使用申請です。", "parks"),
        ]
    )


def test_what_counts_as_narrowed_elsewhere() -> None:
    index = _index()
    assert narrowed_elsewhere(index, "ガスの開栓", "WATER")
    assert not narrowed_elsewhere(index, "水道の開栓", "WATER")  # the entry's own noun
    assert not narrowed_elsewhere(index, "粗大の申し込み", "BULKY")  # written in 粗大ごみ
    assert not narrowed_elsewhere(index, "市の公園", "PARK")  # one character says too little
    assert not narrowed_elsewhere(index, "ガスの料金", "WATER")  # 料金: not the entry's word
