"""English questions find the entries that carry English text first; without one, an optional
meaning search may name a Japanese entry; otherwise nothing (the Japanese path goes on)."""

from __future__ import annotations

from api.faq.english import EnglishIndex, decide_english, english_index, words
from api.faq.search import FaqDocument, FaqIndex, SearchHit

DOCUMENTS = [
    FaqDocument(
        faq_id="G1",
        question="粗大ごみの出し方",
        answer="粗大ごみは申込制です。",
        department="waste",
        question_en="How do I put out oversized garbage?",
        answer_en="Oversized garbage is collected on request; buy garbage tickets.",
    ),
    FaqDocument(
        faq_id="G2",
        question="ごみの収集日",
        answer="収集日は地区ごとに異なります。",
        department="waste",
        question_en="When is garbage collected in my area?",
        answer_en="Collection days differ by district; see the collection calendar.",
    ),
    FaqDocument(
        faq_id="R1",
        question="住民票の写しの取り方",
        answer="市民課の窓口で取れます。",
        department="residents",
        question_en="How do I get a certificate of residence?",
        answer_en="Request a copy of your certificate of residence at the Citizens Division.",
    ),
    FaqDocument(  # Japanese only
        faq_id="C1",
        question="児童手当の申請",
        answer="子育て支援課へ申請してください。",
        department="children",
    ),
]


def test_words_are_stems_without_stopwords() -> None:
    assert words("How do I get Certificates of Residence?") == ["certif", "resid"]
    assert words("Where can I throw away the batteries?") == ["throw", "away", "batteri"]
    # residents' words meet the city's: dumped / dumping, rubbish / garbage
    assert words("someone dumped rubbish") == words("dumping garbage")


def test_an_english_question_finds_its_english_entry() -> None:
    index = EnglishIndex(DOCUMENTS)
    assert len(index) == 3  # the Japanese-only entry is not in it
    decision = index.decide("Where can I get my certificate of residence?")
    assert decision is not None and decision.decision == "answer" and decision.english
    assert [h.faq_id for h in decision.hits] == ["R1"]
    garbage = index.decide("What day is garbage collection in my district?")
    assert garbage is not None and garbage.hits[0].faq_id == "G2"


def test_one_shared_word_does_not_answer_a_question_about_something_else() -> None:
    index = EnglishIndex(DOCUMENTS)
    assert index.decide("Can I hold a barbecue on the roof of the garbage center?") is None


def test_a_japanese_term_is_the_topic_of_a_mixed_question() -> None:
    index = EnglishIndex(DOCUMENTS)
    # "apply" alone would match nothing better; the topic is 児童手当, which no English entry has
    assert index.decide("How do I get 児童手当 for my baby?") is None
    assert index.decide("How do I get 児童手当 for my garbage?") is None  # no choices either
    assert index.decide("Where can I get my 住民票 certificate of residence?") is not None


def test_a_vague_english_question_gets_choices() -> None:
    decision = EnglishIndex(DOCUMENTS).decide("garbage")
    assert decision is not None and decision.decision == "clarify"
    assert {h.faq_id for h in decision.hits} == {"G1", "G2"}


def test_nothing_english_found_without_a_meaning_search_is_none() -> None:
    index = FaqIndex.build(DOCUMENTS, vectors=None)
    assert decide_english(index, "How do I apply for the child allowance?") is None
    assert decide_english(index, "hello, how are you?") is None  # only stopwords


def test_the_meaning_search_answers_when_no_english_entry_does() -> None:
    index = FaqIndex.build(DOCUMENTS, vectors=None)
    asked: list[tuple[str, int]] = []

    def meaning(text: str, top: int) -> list[SearchHit]:
        asked.append((text, top))
        return [SearchHit("C1", 0.8)]

    decision = decide_english(index, "How do I apply for the child allowance?", meaning)
    assert decision is not None and decision.decision == "answer" and not decision.english
    assert [h.faq_id for h in decision.hits] == ["C1"]
    assert asked == [("How do I apply for the child allowance?", 1)]
    # an English entry that answers comes first: the meaning search is not asked
    asked.clear()
    first = decide_english(index, "How do I get a certificate of residence?", meaning)
    assert first is not None and first.english and asked == []


def test_the_english_index_is_built_once_per_knowledge_build() -> None:
    index = FaqIndex.build(DOCUMENTS, vectors=None)
    assert english_index(index) is english_index(index)
    rebuilt = FaqIndex.build(DOCUMENTS[:1], vectors=None)
    assert len(english_index(rebuilt)) == 1
