"""The answer model's word features (decision.py): where the fused winner holds the query's
words. `answer_only`: the share of the query's known content that the entry holds only in its
answer (learned phrasings are not the city's wording and do not move it); `key`: whether it
holds the query's most specific known word."""

from __future__ import annotations

from dataclasses import replace

from api.faq.search.decision import answer_only_share, key_held
from api.faq.search.documents import FaqDocument
from api.faq.search.index import FaqIndex

FAQ = [
    FaqDocument(
        "bulky",
        "粗大ごみの出し方",
        "家具や自転車は粗大ごみです。電話で申し込み、処理券を貼って出してください。",
        "waste",
    ),
    FaqDocument("juminhyo", "住民票の写しを取りたい", "市民課の窓口で取得できます。", "shimin"),
    FaqDocument("dog", "犬の登録", "飼い犬の登録と狂犬病予防注射が必要です。", "eisei"),
]


def words(index: FaqIndex, query: str) -> list[str]:
    return index.query_terms(query).words


def test_words_found_only_in_the_answer_count_and_the_questions_words_do_not() -> None:
    index = FaqIndex.build(FAQ, vectors=None)
    in_answer = answer_only_share(index, words(index, "自転車の処理券"), "bulky")
    in_question = answer_only_share(index, words(index, "粗大ごみの出し方"), "bulky")
    assert in_answer is not None and in_answer > 0.9
    assert in_question == 0.0
    assert answer_only_share(index, words(index, "宇宙旅行"), "bulky") is None  # nothing known


def test_a_learned_phrasing_does_not_move_the_share() -> None:
    query = "自転車の処理券"
    before = FaqIndex.build(FAQ, vectors=None)
    taught = [replace(d, learned=(query,)) if d.faq_id == "bulky" else d for d in FAQ]
    after = FaqIndex.build(taught, vectors=None)
    assert answer_only_share(after, words(after, query), "bulky") == answer_only_share(
        before, words(before, query), "bulky"
    )


def test_the_most_specific_word_must_be_held() -> None:
    index = FaqIndex.build(FAQ, vectors=None)
    # 狂犬病 occurs in one entry only: the dog entry holds it, the bulky-waste entry does not
    assert key_held(index, words(index, "狂犬病の注射と登録"), "dog")
    assert not key_held(index, words(index, "狂犬病の注射と登録"), "bulky")
    assert not key_held(index, words(index, "宇宙旅行"), "bulky")
